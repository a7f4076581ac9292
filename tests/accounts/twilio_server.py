"""A loopback stand-in for Twilio's Messages API: the real protocol (form POST, basic auth), no network."""

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

ACCOUNT_SID = "AC00000000000000000000000000000001"
AUTH_TOKEN = "loopback-auth-token"


@dataclass
class Twilio:
    url: str
    messages: list[dict[str, str]] = field(default_factory=list)
    refuse_with: int | None = None


@contextmanager
def twilio_server() -> Iterator[Twilio]:
    state = Twilio(url="")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _reply(self, status: int, body: dict) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_POST(self) -> None:
            expected_path = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
            credentials = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
            if self.path != expected_path:
                return self._reply(404, {"code": 20404, "message": "The requested resource was not found"})
            if self.headers.get("Authorization") != f"Basic {credentials}":
                return self._reply(401, {"code": 20003, "message": "Authenticate"})
            length = int(self.headers.get("Content-Length", 0))
            form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
            if state.refuse_with:
                return self._reply(400, {"code": state.refuse_with, "message": "The 'To' number is not valid."})
            state.messages.append(form)
            return self._reply(201, {"sid": f"SM{len(state.messages):032d}", "status": "queued", "to": form["To"]})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
