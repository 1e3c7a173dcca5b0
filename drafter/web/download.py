"""Downloads: a body with the name the browser should save it under."""

from __future__ import annotations

from fastapi.responses import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(body: bytes, media_type: str, filename: str) -> Response:
    # ASCII names only: the header cannot carry others without RFC 5987 encoding, and a fixed
    # name says what the file is as well as the form's own would.
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
