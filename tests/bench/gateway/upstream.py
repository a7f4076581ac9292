"""The benchmark's model server, as a process of its own: `python -m tests.bench.gateway.upstream`.

It is the loopback OpenAI-compatible server of tests/fakes, answering every request with the same short
reply (streamed in REPLY_CHUNKS pieces). In its own process it competes with neither the load generator
nor the gateways for a GIL, so its share of every measured latency is the same for the direct calls and
for each gateway. It prints its port on one line, then serves until its stdin closes or it is terminated.
"""

import signal
import sys

from tests.fakes.llm_servers import OpenAIServer
from tests.fakes.loopback import Received, Reply

REPLY = "Paris is the capital of France, on the Seine."
REPLY_CHUNKS = 6
API_KEY = "sk-loopback-bench"
MODEL = "loopback-chat"


class _Forgetful(OpenAIServer):
    """Keeps no request log: a benchmark sends tens of thousands, which no test reads back."""

    async def route(self, request: Received, reply: Reply) -> None:
        await super().route(request, reply)
        self.requests.clear()


def main() -> None:
    server = _Forgetful(api_key=API_KEY, models=(MODEL,))
    server.script(reply=REPLY, chunks=REPLY_CHUNKS)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with server:
        sys.stdout.write(f"{server.port}\n")
        sys.stdout.flush()
        sys.stdin.read()  # until the benchmark, which holds the other end, ends or dies


if __name__ == "__main__":
    main()
