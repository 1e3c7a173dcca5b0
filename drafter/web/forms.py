"""Reading a submitted form (multipart) into files in a job folder, with the guards applied."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
from fastapi import Request

from drafter.errors import InputError
from drafter.web import safety
from drafter.web.uploads import UploadError, save_text, save_uploads


@dataclass
class Submitted:
    fields: dict[str, str] = field(default_factory=dict)
    files: list[tuple[Path, str]] = field(default_factory=list)


class Refused(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


async def read_form(request: Request, bench: Any) -> Any:
    """The parsed multipart/urlencoded form, after the CSRF check; Refused with a Chinese line."""
    from starlette.datastructures import FormData
    s = bench.settings
    try:
        form: FormData = await request.form(max_files=s.max_files, max_fields=200, max_part_size=s.max_file_bytes)
    except Exception as e:  # noqa: BLE001 - Starlette's multipart errors are English and vary by version
        text = str(getattr(e, "detail", "") or e)
        if "Too many files" in text:
            raise Refused(f"文件过多：一次最多 {s.max_files} 个文件", 413) from None
        if "maximum" in text.lower() or "exceeded" in text.lower():
            raise Refused(safety.TOO_LARGE, 413) from None
        raise Refused("提交的表单无法解析，请刷新页面后重试", 400) from None
    refusal = await safety.check_csrf(request, form)
    if refusal:
        raise Refused(refusal, 403)
    return form


async def save_inputs(form: Any, folder: Path, bench: Any, file_field: str = "files",
                      text_field: str = "text") -> list[tuple[Path, str]]:
    """Uploaded files (field ``files`` or ``file``) and pasted text, saved under ``folder``."""
    uploads = [u for name in (file_field, "file") for u in form.getlist(name)
               if not isinstance(u, str) and getattr(u, "filename", None)]
    text = form.get(text_field)
    text = text if isinstance(text, str) else ""

    def save() -> list[tuple[Path, str]]:
        out = save_text(text, folder) if text.strip() else []
        return out + save_uploads(uploads, folder, bench.settings)

    try:
        files = await anyio.to_thread.run_sync(save)
    except UploadError as e:
        shutil.rmtree(folder, ignore_errors=True)
        raise Refused(bench.clean(str(e)), 413) from None
    except InputError as e:
        shutil.rmtree(folder, ignore_errors=True)
        raise Refused(bench.clean(str(e)), 400) from None
    finally:
        for u in uploads:
            await u.close()
    if not files:
        shutil.rmtree(folder, ignore_errors=True)
        raise Refused("请粘贴表格内容或选择要上传的文件", 400)
    return files
