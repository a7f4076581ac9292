"""One GET through an ASGI application, as uvicorn hands it over: for what answers in front of Django."""

from dataclasses import dataclass
from typing import Any

from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator


@dataclass(frozen=True)
class AsgiResponse:
    status_code: int
    headers: dict[str, str]  # names in lower case
    body: bytes
    header_names: tuple[str, ...] = ()  # every header line's name in order, repeats included


def asgi_get(
    application: Any, path: str, *, scheme: str = "http", headers: dict[str, str] | None = None
) -> AsgiResponse:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": scheme,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")]
        + [(name.lower().encode(), value.encode()) for name, value in (headers or {}).items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 443 if scheme == "https" else 80),
    }

    async def exchange() -> AsgiResponse:
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
        start = await communicator.receive_output(timeout=5)
        body = b""
        while True:
            message = await communicator.receive_output(timeout=5)
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await communicator.wait()
        lines = [(name.decode().lower(), value.decode()) for name, value in start["headers"]]
        return AsgiResponse(start["status"], dict(lines), body, tuple(name for name, _ in lines))

    return async_to_sync(exchange)()
