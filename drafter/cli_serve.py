"""`drafter serve`: the web workbench for people who do not use a terminal.

cli.py calls :func:`register`. FastAPI, uvicorn and the services are imported when the command
runs, so `drafter --help` does not pay for them.
"""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址；对外开放时请设置 DRAFTER_WEB_TOKEN"),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="端口（0 = 任选空闲端口）"),
    keep_minutes: int = typer.Option(60, "--keep-minutes", min=1, help="上传文件和结果保留的分钟数"),
    max_upload_mb: int = typer.Option(20, "--max-upload-mb", min=1, max=1024, help="单个上传文件的上限（MB）"),
    workers: int = typer.Option(4, "--workers", min=1, max=32, help="同时运行的后台任务数"),
) -> None:
    """启动网页工作台：审核、起草、扣分分析、检索、规则 (the web workbench)."""
    import socket

    import uvicorn

    from drafter.cli import fail
    from drafter.web.app import create_app
    from drafter.web.safety import is_loopback
    from drafter.web.settings import MB, WebSettings

    settings = WebSettings(max_file_bytes=max_upload_mb * MB, keep_seconds=keep_minutes * 60, workers=workers)
    if not is_loopback(host) and settings.token is None:
        typer.echo("drafter: 注意：监听非本机地址却未设置 DRAFTER_WEB_TOKEN，局域网内任何人都能使用本工作台",
                   err=True)
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)  # requests made during start-up wait instead of being refused
    except OSError as e:
        fail(f"无法监听 {host}:{port}（{e.strerror}）")
        return
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    url = f"http://{shown}:{sock.getsockname()[1]}/"
    typer.echo("drafter: 正在启动工作台（加载规则和存储库）…", err=True)

    def ready() -> None:
        typer.echo(f"drafter: 工作台已启动：{url} （Ctrl+C 退出）", err=True)

    config = uvicorn.Config(create_app(settings, on_ready=ready), log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
