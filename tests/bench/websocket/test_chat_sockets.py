"""How many `ws/chat/<id>/` sockets one uvicorn process holds, and what each costs it (issue 12, "WebSocket scale").

One real uvicorn process (one worker) of Bastion, its channel layer on Redis as in production, serves
the test database pytest-django created. Each socket is its owner's own chat, authenticated with the
["bearer", <access token>] subprotocol. The sockets are opened in steps from this process, all on one
asyncio loop; after each step the server's VmRSS gives the memory per socket. At the top step a
sample of sockets asks a question each (offline provider: no network), one at a time then all at
once, each answer checked whole; then every socket is pinged.
"""

import asyncio
import json
import math
import os
import resource
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from websockets.asyncio.client import ClientConnection, connect
from websockets.protocol import State

from accounts.models import User, identifier_canonical
from accounts.services.tokens import token_pair_issue
from chats.models import Chat
from organizations.models import Membership
from organizations.roles import Role
from tests.bench.conftest import percentile, table
from tests.organizations.factories import OrganizationFactory
from tests.processes import process_env, uvicorn_process  # noqa: F401 -- process_env is a fixture

REGION = "websocket"
STEPS = tuple(int(step) for step in os.environ.get("BENCH_WS_STEPS", "250,500,1000,1500,2000").split(","))
TARGET = 1000
SAMPLE = 20  # sockets that ask a question at the top step
OPENING = 50  # handshakes in flight at once, as a burst of reconnecting tabs would be
TIMEOUT = 15.0
QUESTION = "What is our refund policy?"
# BENCH_WS_COMPRESSION=none: the client offers no permessage-deflate, to see what the compressor costs the server.
DEFLATE = {"deflate": "permessage-deflate negotiated as browsers do", None: "no permessage-deflate offered"}
COMPRESSION = None if os.environ.get("BENCH_WS_COMPRESSION") == "none" else "deflate"
# Each setting's tables are kept apart in docs/PERFORMANCE.md, so a run of one leaves the other's.
SUFFIX = "" if COMPRESSION else ", no permessage-deflate"
HELD = f"Sockets held by one process{SUFFIX}"
TOP = f"At the top step{SUFFIX}"


@dataclass(frozen=True)
class Owner:
    chat_id: str
    token: str


def _raise_descriptor_limit() -> None:
    """Soft RLIMIT_NOFILE up to the hard limit, here and in the server (a child inherits it): each
    socket is one descriptor in each process, and 1024, a common default, stops below the target."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    # An unlimited hard limit is no soft one: the kernel caps descriptors at fs.nr_open.
    soft = hard if hard != resource.RLIM_INFINITY else 65_536
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def _owners(count: int) -> list[Owner]:
    """`count` members of one organization with a chat each and an access token each, written in bulk."""
    organization = OrganizationFactory(name="Sockets")
    # Unusable passwords: nobody signs in with one, and hashing thousands would dominate the setup.
    password = make_password(None)
    users = []
    for number in range(count):
        email, username = f"socket{number}@example.com", f"socket{number}"
        users.append(
            User(
                email=email,
                username=username,
                email_key=identifier_canonical(email),
                username_key=identifier_canonical(username),
                password=password,
            )
        )
    with transaction.atomic():
        User.objects.bulk_create(users, batch_size=500)
        Membership.objects.bulk_create(
            [Membership(organization=organization, user=user, role=Role.MEMBER) for user in users], batch_size=500
        )
        chats = Chat.objects.bulk_create(
            [Chat(organization=organization, user=user, title="Planning", model="offline") for user in users],
            batch_size=500,
        )
        tokens = [token_pair_issue(user=user).access_token for user in users]
    return [Owner(str(chat.pk), token) for chat, token in zip(chats, tokens, strict=True)]


@pytest.fixture
def server(transactional_db, process_env: dict[str, str]) -> Iterator[tuple[str, int]]:  # noqa: F811 -- the fixture imported above
    """uvicorn serving Bastion on the test database, with the access log off as in the HTTP benchmark;
    yields its ws:// root and its pid."""
    if "channels_redis" not in settings.CHANNEL_LAYERS["default"]["BACKEND"]:
        pytest.fail("Set REDIS_URL: the benchmark measures the production channel layer (channels-redis).")
    _raise_descriptor_limit()
    with uvicorn_process(process_env, "--log-level", "warning") as (base_url, process):
        yield base_url.replace("http://", "ws://"), process.pid


def _status(pid: int, field: str) -> int:
    """A number from /proc/<pid>/status (VmRSS and VmHWM in KiB, Threads)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def _descriptors(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


async def _settled_rss(pid: int) -> int:
    """VmRSS once the server has finished what the last handshakes left it to do."""
    await asyncio.sleep(1.0)
    return _status(pid, "VmRSS")


async def _receive(socket: ClientConnection) -> dict:
    return json.loads(await asyncio.wait_for(socket.recv(), TIMEOUT))


async def _open(root: str, owner: Owner, gate: asyncio.Semaphore) -> tuple[ClientConnection, bool]:
    """A socket on the owner's chat, and whether its first event was `authenticated` for that chat."""
    async with gate:
        socket = await connect(
            f"{root}/ws/chat/{owner.chat_id}/",
            subprotocols=["bearer", owner.token],
            open_timeout=TIMEOUT,
            compression=COMPRESSION,
        )
        event = await _receive(socket)
    return socket, event == {"type": "authenticated", "chat": {"id": owner.chat_id, "title": "Planning"}}


def _open_count(sockets: list[ClientConnection]) -> int:
    return sum(socket.state is State.OPEN for socket in sockets)


@dataclass(frozen=True)
class Turn:
    first_token_ms: float
    done_ms: float
    intact: bool  # a `done` came, and its answer is the `token`s received, none missing


async def _turn(socket: ClientConnection) -> Turn:
    """One question, until its `done`, or TIMEOUT without an event (counted as not intact)."""
    start = time.perf_counter()
    await socket.send(json.dumps({"type": "message", "content": QUESTION}))
    first, tokens = None, []
    try:
        while (event := await _receive(socket))["type"] != "done":
            assert event["type"] in ("message", "token", "guardrail"), event
            if event["type"] == "token":
                first = first or time.perf_counter()
                tokens.append(event["content"])
    except TimeoutError:
        return Turn(math.inf, math.inf, intact=False)
    done = time.perf_counter()
    intact = event["message"]["content"] == "".join(tokens)
    return Turn(((first or done) - start) * 1000, (done - start) * 1000, intact)


async def _pong(socket: ClientConnection) -> bool:
    await socket.send(json.dumps({"type": "ping"}))
    return (await _receive(socket)) == {"type": "pong"}


async def _measure(root: str, pid: int, owners: list[Owner]) -> None:
    gate = asyncio.Semaphore(OPENING)
    # The first question loads the scanner's rules and the offline model: not what a held socket costs.
    warm, _ = await _open(root, owners[0], gate)
    warm_turn = await _turn(warm)
    await warm.close()
    baseline = await _settled_rss(pid)
    columns = ("sockets held", "authenticated", "opened in", "server CPU per socket opened", "server RSS")
    steps = table(REGION, HELD, (*columns, "KiB per socket, this step", "KiB per socket, all"))
    steps.notes.append(_method_note(baseline))
    held: list[ClientConnection] = []
    authenticated = 0
    try:
        for step in STEPS:
            before, cpu_before, adding = _status(pid, "VmRSS"), _cpu_seconds(pid), owners[len(held) : step]
            start = time.perf_counter()
            opening = await asyncio.gather(*(_open(root, owner, gate) for owner in adding))
            opened = time.perf_counter() - start
            cpu = (_cpu_seconds(pid) - cpu_before) * 1000 / len(adding)
            held += [socket for socket, _ in opening]
            authenticated += sum(welcomed for _, welcomed in opening)
            after = await _settled_rss(pid)
            steps.rows.append(
                (
                    f"{_open_count(held)}",
                    f"{authenticated}",
                    f"{opened:.1f} s ({len(adding) / opened:.0f}/s)",
                    f"{cpu:.1f} ms",
                    f"{after / 1024:.0f} MiB",
                    f"{(after - before) / len(adding):.0f}",
                    f"{(after - baseline) / len(held):.0f}",
                )
            )
        assert authenticated == _open_count(held) == len(held), steps.rows[-1]
        await _liveness(held, pid, warm_turn)
    finally:
        await asyncio.gather(*(socket.close() for socket in held), return_exceptions=True)


def _cpu_seconds(pid: int) -> float:
    """CPU time the process has used so far, all its threads, user plus system: unlike wall time, the
    other work on a shared machine hardly moves it."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _percentiles(turns: list[Turn], field: str) -> str:
    """p50 / p95 of the intact turns, and how many of all were intact."""
    timings = [getattr(turn, field) for turn in turns if turn.intact]
    if len(timings) < 2:
        return f"{len(timings)} of {len(turns)} intact"
    return f"{statistics.median(timings):.0f} / {percentile(timings, 95):.0f} ms"


async def _liveness(held: list[ClientConnection], pid: int, warm_turn: Turn) -> None:
    """Questions on SAMPLE sockets spread over the held ones, one at a time then all at once; then a
    ping on every socket."""
    sample = held[:: max(1, len(held) // SAMPLE)][:SAMPLE]
    alone = [await _turn(socket) for socket in sample]
    together = await asyncio.gather(*(_turn(socket) for socket in sample))
    start = time.perf_counter()
    pongs = await asyncio.gather(*(_pong(socket) for socket in held))
    pinged = time.perf_counter() - start
    still_open = _open_count(held)
    asked = f"a question on {len(sample)} of them"
    table(REGION, TOP, ("metric", "measured", "target")).rows.extend(
        [
            ("sockets held by one process", f"{len(held)}", f"{TARGET}+"),
            ("met", "yes" if len(held) >= TARGET else "no", ""),
            (f"{asked}, one at a time: to `done`, p50 / p95", _percentiles(alone, "done_ms"), ""),
            ("the same, to the first `token`, p50 / p95", _percentiles(alone, "first_token_ms"), ""),
            (f"{asked}, all at once: to `done`, p50 / p95", _percentiles(together, "done_ms"), ""),
            ("the same, to the first `token`, p50 / p95", _percentiles(together, "first_token_ms"), ""),
            (
                "answers whole (a `done`, every `token` before it)",
                f"{sum(t.intact for t in alone + together)} of {2 * len(sample)}",
                "all",
            ),
            ("`ping` on every socket at once: `pong`s", f"{sum(pongs)} of {len(held)} in {pinged:.1f} s", ""),
            ("still open after the pings", f"{still_open} of {len(held)}", ""),
            ("server peak RSS (VmHWM)", f"{_status(pid, 'VmHWM') / 1024:.0f} MiB", ""),
            ("server descriptors open / threads", f"{_descriptors(pid)} / {_status(pid, 'Threads')}", ""),
            ("first question after start (rules loaded): to `done`", f"{warm_turn.done_ms:.0f} ms", ""),
        ]
    )
    assert all(turn.intact for turn in alone + together), "answers lost events: see the table"
    assert sum(pongs) == still_open == len(held)


def _method_note(baseline: int) -> str:
    return (
        f"One uvicorn process (one worker, `config.asgi:application`, its defaults: websockets protocol, "
        f"{DEFLATE[COMPRESSION]}, pings every 20 s), the test settings with the "
        f"channel layer on Redis (channels-redis) as in production; the test database pytest-django made. "
        f"Each socket is a different member's own chat, authenticated by the `bearer` subprotocol; the "
        f"client is this benchmark, one asyncio loop, {OPENING} handshakes in flight at once, on the same "
        f"cores. Memory is the server's VmRSS from /proc, read a second after each step, against "
        f"{baseline / 1024:.0f} MiB after a first question had loaded the rules and been closed. "
        f"RLIMIT_NOFILE raised to {resource.getrlimit(resource.RLIMIT_NOFILE)[0]} (inherited by the server). "
        f"Load average at the start: {os.getloadavg()[0]:.1f}."
    )


def test_one_process_holds_the_chat_sockets(server: tuple[str, int]) -> None:
    start = time.perf_counter()
    owners = _owners(max(STEPS))
    made = time.perf_counter() - start
    root, pid = server
    asyncio.run(_measure(root, pid, owners))
    table(REGION, TOP, ("metric", "measured", "target")).notes.append(
        f"Setup: {len(owners)} members of one organization with a chat and an access token each, written "
        f"in bulk in {made:.1f} s ({connection.vendor})."
    )
