"""A small HTTP/1.1 server on 127.0.0.1 for fakes of outside services: one asyncio loop in a background
thread, keep-alive connections, chunked streaming, and the misbehaviours real servers show (hanging,
cutting a stream short). Subclasses speak a vendor's protocol in `route`.

asyncio rather than http.server: a benchmark opens dozens of concurrent streams, and a coroutine per
connection costs far less than a thread per connection.
"""

import asyncio
import http
import json
import threading
from dataclasses import dataclass
from typing import Any, Self


@dataclass(frozen=True)
class Received:
    """One request as the server read it: what a test asserts was (or was never) sent."""

    method: str
    path: str
    headers: dict[str, str]  # names lowercased
    body: Any  # the parsed JSON, or None
    connection: int  # which TCP connection carried it, numbered from 1


class Reply:
    """The answer to one request, written straight to its connection."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self._writer = writer
        self.closed = False

    async def json(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        await self.raw(status, json.dumps(body).encode(), "application/json", headers)

    async def raw(self, status: int, content: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        fields = {"content-type": content_type, "content-length": str(len(content)), **(headers or {})}
        self._writer.write(_head(status, fields) + content)
        await self._writer.drain()

    async def start_stream(self, headers: dict[str, str] | None = None) -> None:
        fields = {"content-type": "text/event-stream", "transfer-encoding": "chunked", **(headers or {})}
        self._writer.write(_head(200, fields))
        await self._writer.drain()

    async def send(self, data: bytes) -> None:
        self._writer.write(b"%x\r\n%s\r\n" % (len(data), data))
        await self._writer.drain()

    async def end_stream(self) -> None:
        self._writer.write(b"0\r\n\r\n")
        await self._writer.drain()

    async def drop(self) -> None:
        """Close the connection without finishing the answer, as a crashed server or proxy does."""
        self.closed = True
        self._writer.close()

    async def hang(self) -> None:
        """Never answer; the server's shutdown cancels the wait."""
        await asyncio.Event().wait()


def _head(status: int, fields: dict[str, str]) -> bytes:
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:  # 529, Anthropic's "overloaded"
        phrase = "Error"
    lines = [f"HTTP/1.1 {status} {phrase}", *(f"{name}: {value}" for name, value in fields.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class LoopbackServer:
    """Start with `with Server() as server:` (or start()/stop()); `origin` is its http://127.0.0.1:port."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.port = 0
        self._connections = 0
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def route(self, request: Received, reply: Reply) -> None:
        raise NotImplementedError

    def start(self) -> Self:
        ready = threading.Event()
        self._thread = threading.Thread(target=asyncio.run, args=(self._main(ready),), daemon=True)
        self._thread.start()
        if not ready.wait(5):
            raise RuntimeError("the loopback server did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def _main(self, ready: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0, backlog=256)
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        async with server:
            await self._stopping.wait()
        # asyncio.run then cancels the connections still open, hanging ones included.

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._connections += 1
        connection = self._connections
        try:
            while not writer.is_closing():
                request = await _read_request(reader, connection)
                if request is None:
                    break
                self.requests.append(request)
                reply = Reply(writer)
                await self.route(request, reply)
                if reply.closed or request.headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client went away, which clients may do
        except asyncio.CancelledError:
            pass  # the server is stopping; ending quietly spares asyncio's "task exception" noise
        finally:
            writer.close()


async def _read_request(reader: asyncio.StreamReader, connection: int) -> Received | None:
    request_line = await reader.readline()
    if not request_line.strip():
        return None
    method, target, _version = request_line.decode("latin-1").split(" ", 2)
    headers = {}
    while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    raw = await reader.readexactly(length) if length else b""
    body = json.loads(raw) if raw else None
    return Received(method=method, path=target.split("?", 1)[0], headers=headers, body=body, connection=connection)
