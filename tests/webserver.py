"""A live workbench on 127.0.0.1, port 0, in a thread: for browser and concurrency tests."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Iterator

from drafter.web.settings import WebSettings


@contextmanager
def live_server(settings: WebSettings | None = None) -> Iterator[str]:
    import uvicorn

    from drafter.web.app import create_app

    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning",
                            access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60  # a hang guard only: start-up warms chromadb and the rules
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("workbench did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
