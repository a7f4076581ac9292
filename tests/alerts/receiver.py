"""A loopback HTTP server standing in for a Slack-compatible webhook: it records each request and
answers with the statuses it was given, then 200."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Receiver:
    url: str
    statuses: list[int]
    received: list[dict] = field(default_factory=list)


@contextmanager
def receiver_running(*, statuses: list[int] | None = None) -> Iterator[Receiver]:
    answers = list(statuses or [])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 -- the standard library's name
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            receiver.received.append({"path": self.path, "headers": dict(self.headers), "json": json.loads(body)})
            self.send_response(answers.pop(0) if answers else 200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver = Receiver(url=f"http://127.0.0.1:{server.server_port}/services/T000/B000/hook", statuses=answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
