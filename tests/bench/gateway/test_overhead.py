"""The gateway's overhead against LiteLLM's (issue 12, "Measured"): the same requests, at the same
concurrency, to the upstream directly, through LiteLLM's proxy and through Bastion with its guardrails
on, in one run. Added latency is a gateway's figure less the direct one, measured in the same round."""

import asyncio
import logging
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import openai

from tests.bench.conftest import percentile, profiled, table
from tests.bench.gateway import upstream as upstream_server
from tests.bench.gateway.conftest import Target, litellm_version

REGION = "gateway"
# The machine is shared: every cell is measured this many times, the three targets one after the other
# in each round, and the medians of the rounds reported.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECONDS = 2.0
WARMUP_SECONDS = 0.5
# Requests each target answers in both modes before the first round: first calls load rules, models and
# modules once per process, which is start-up, not overhead (and would fill the first profile).
PRIMING = 20
CONCURRENCY = (1, 10)
MESSAGES = [{"role": "user", "content": "What is the capital of France?"}]
# Issue 12: Bastion's added p50, guardrails on, below LiteLLM's and under this.
TARGET_ADDED_MS = 3.0
NAMES = ("upstream, direct", "LiteLLM proxy", "Bastion")


@dataclass
class Cell:
    """One target, one mode, one concurrency, one round: each request's timings and the server's CPU."""

    totals: list[float]
    firsts: list[float]  # streaming: until the first content chunk
    per_second: float
    cpu_ms: float  # the target's process tree, per request


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process and its descendants still running (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except FileNotFoundError:  # a child that ended since its parent listed it
        return 0.0
    listed = Path(f"/proc/{pid}/task/{pid}/children")
    children = listed.read_text().split() if listed.exists() else []
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(_cpu_seconds(int(child)) for child in children)


Call = Callable[[openai.AsyncOpenAI], Awaitable[tuple[float, float]]]


async def _whole(client: openai.AsyncOpenAI) -> tuple[float, float]:
    """Milliseconds until the answer is whole, twice (its first content comes with it)."""
    start = time.perf_counter()
    completion = await client.chat.completions.create(model=upstream_server.MODEL, messages=MESSAGES)
    assert completion.choices[0].message.content == upstream_server.REPLY
    total = (time.perf_counter() - start) * 1000
    return total, total


async def _models(client: openai.AsyncOpenAI) -> tuple[float, float]:
    """GET /v1/models: the same key checked and the same client, no model called, nothing screened."""
    start = time.perf_counter()
    listed = await client.models.list()
    assert upstream_server.MODEL in [model.id for model in listed.data]
    total = (time.perf_counter() - start) * 1000
    return total, total


async def _stream(client: openai.AsyncOpenAI) -> tuple[float, float]:
    """Milliseconds until the streamed answer is whole, and until its first content chunk."""
    start = time.perf_counter()
    first = None
    pieces = []
    chunks = await client.chat.completions.create(
        model=upstream_server.MODEL, messages=MESSAGES, stream=True, stream_options={"include_usage": True}
    )
    async for chunk in chunks:
        if chunk.choices and chunk.choices[0].delta.content:
            first = first or time.perf_counter()
            pieces.append(chunk.choices[0].delta.content)
    assert "".join(pieces) == upstream_server.REPLY
    return (time.perf_counter() - start) * 1000, (first - start) * 1000


# Each mode's request; "models" is the floor: what a gateway costs before any model work.
CALLS: dict[str, Call] = {"whole": _whole, "stream": _stream, "models": _models}
# The floor is measured at one client only: it explains the completions' figures, it is no target.
LOADS = [(mode, clients) for mode in ("whole", "stream") for clients in CONCURRENCY] + [("models", 1)]


async def _load(target: Target, *, call: Call, clients: int, seconds: float) -> Cell:
    """`clients` concurrent callers, each sending its next request when its last is answered, for `seconds`."""
    totals, firsts = [], []
    # One client, one keep-alive pool for the whole cell, as an application holds its client.
    async with openai.AsyncOpenAI(base_url=target.base_url, api_key=target.api_key, max_retries=0) as client:
        warm_until = time.perf_counter() + WARMUP_SECONDS

        async def warm() -> None:
            while time.perf_counter() < warm_until:
                await call(client)

        await asyncio.gather(*(warm() for _ in range(clients)))
        cpu_before = _cpu_seconds(target.process.pid)
        start = time.perf_counter()
        deadline = start + seconds

        async def caller() -> None:
            while time.perf_counter() < deadline:
                total, first = await call(client)
                totals.append(total)
                firsts.append(first)

        await asyncio.gather(*(caller() for _ in range(clients)))
        elapsed = time.perf_counter() - start
        cpu_ms = (_cpu_seconds(target.process.pid) - cpu_before) * 1000 / len(totals)
    return Cell(totals, firsts, len(totals) / elapsed, cpu_ms)


async def _prime(target: Target) -> None:
    async with openai.AsyncOpenAI(base_url=target.base_url, api_key=target.api_key, max_retries=0) as client:
        for call in CALLS.values():
            for _ in range(PRIMING):
                await call(client)


def _median(cells: list[Cell], figure: Callable[[Cell], float]) -> float:
    return statistics.median(figure(cell) for cell in cells)


def _p(values: list[float], p: int) -> float:
    return statistics.median(values) if p == 50 else percentile(values, p)


def _at(values: Callable[[Cell], list[float]], p: int) -> Callable[[Cell], float]:
    """A cell's percentile `p` of the timings `values` picks."""
    return lambda cell: _p(values(cell), p)


def _ms(value: float) -> str:
    return f"{value:.2f} ms"


def _measured(targets: tuple[Target, ...], profiled_target: Target) -> dict[tuple[str, str, int], list[Cell]]:
    """Every cell of every round, keyed by target name, mode, concurrency; with BENCH_PROFILE,
    py-spy records `profiled_target` through each of its cells."""
    for target in targets:
        asyncio.run(_prime(target))
    cells: dict[tuple[str, str, int], list[Cell]] = {}
    for turn in range(ROUNDS):
        for mode, clients in LOADS:
            for target in targets:
                recording: AbstractContextManager[None] = (
                    profiled(target.process, f"gateway-{mode}-{clients}-{turn + 1}", SECONDS)
                    if target is profiled_target
                    else nullcontext()
                )
                with recording:
                    cell = asyncio.run(_load(target, call=CALLS[mode], clients=clients, seconds=SECONDS))
                cells.setdefault((target.name, mode, clients), []).append(cell)
    return cells


def _added(cells: dict, name: str, mode: str, clients: int, figure: Callable[[Cell], float]) -> float:
    """A gateway's figure less the direct one of the same round, the median over the rounds."""
    direct = cells[(NAMES[0], mode, clients)]
    through = cells[(name, mode, clients)]
    return statistics.median(figure(mine) - figure(theirs) for mine, theirs in zip(through, direct, strict=True))


def _rows(
    cells: dict, mode: str, clients: int, label: str, values: Callable[[Cell], list[float]], *, goal: bool
) -> list[tuple]:
    who = f"{clients} client{'s' if clients > 1 else ''}"
    rows = []
    for p in (50, 95):
        figures = [_median(cells[(name, mode, clients)], _at(values, p)) for name in NAMES]
        rows.append((f"{who}, {label} p{p}", *map(_ms, figures), ""))
    added = {p: [_added(cells, name, mode, clients, _at(values, p)) for name in NAMES[1:]] for p in (50, 95)}
    target = f"Bastion < LiteLLM and < {TARGET_ADDED_MS:.0f} ms" if goal else ""
    rows.append((f"{who}, {label}, added p50", "", *map(_ms, added[50]), target))
    rows.append((f"{who}, {label}, added p95", "", *map(_ms, added[95]), ""))
    if goal:
        litellm, ours = added[50]
        met = "yes" if ours < min(litellm, TARGET_ADDED_MS) else "no"
        rows.append((f"{who}, {label}, target met", "", "", met, ""))
    return rows


def _record(cells: dict, mode: str, section: str, load: float) -> None:
    figures = table(REGION, section, ("metric", *NAMES, "target"))
    stages = [("whole answer", lambda cell: cell.totals)]
    if mode == "stream":
        stages.insert(0, ("first token", lambda cell: cell.firsts))
    elif mode == "models":
        stages = [("GET /v1/models", lambda cell: cell.totals)]
    for loaded, clients in LOADS:
        if loaded != mode:
            continue
        for label, values in stages:
            figures.rows += _rows(cells, mode, clients, label, values, goal=mode != "models")
        who = f"{clients} client{'s' if clients > 1 else ''}"
        rates = [f"{_median(cells[(name, mode, clients)], lambda c: c.per_second):.0f}" for name in NAMES]
        figures.rows.append((f"{who}, requests/s", *rates, ""))
        cpu = [_ms(_median(cells[(name, mode, clients)], lambda c: c.cpu_ms)) for name in NAMES]
        figures.rows.append((f"{who}, server CPU per request", *cpu, ""))
    if mode == "models":
        figures.notes[:] = [
            "The floor, measured in the same rounds: GET /v1/models with the same client and key, which each "
            "gateway answers from its own registry after checking the key (Bastion: API key, organization, "
            "model registry; no guardrails, no model call, nothing stored). What a gateway adds here, it "
            "adds to every completion before any model work."
        ]
        return
    chunks = f", streamed in {upstream_server.REPLY_CHUNKS} chunks" if mode == "stream" else ""
    figures.notes[:] = [
        f"LiteLLM {litellm_version()} (`litellm --config`, one worker, no database, no Redis, master key) and "
        "Bastion under uvicorn (one worker; the default guardrail policy: prompt scoring, PII and secret "
        "redaction, streamed output screening; an organization API key of scope `chat`; the test settings on "
        "the test database pytest-django created), both routed to one upstream process "
        f"(tests/bench/gateway/upstream.py) answering {len(upstream_server.REPLY)} characters{chunks}. "
        "Load: the `openai` client's AsyncOpenAI in the benchmark's process, N callers each sending its next "
        f"request when its last is answered; {WARMUP_SECONDS} s of warm-up, then {SECONDS:.0f} s per cell; the "
        f"three targets one after the other in each of {ROUNDS} rounds, medians of the rounds. Added: the "
        "gateway's percentile less the direct one of the same round. The direct figures are mostly the "
        "client's own time (the upstream spends a fraction of a millisecond of CPU on each request). At 10 "
        "clients each gateway's one worker is busy all the time, so its added latency there is mostly "
        "queueing: about 10 divided by its requests per second. Server CPU: the process tree's user + "
        f"system time per request, from /proc. Load average at the start: {load:.1f}."
    ]


def test_gateway_overhead_against_litellm(upstream, litellm_proxy, bastion):
    # The test settings log at INFO and httpx2 logs every request it sends: the load generator would
    # format and keep a line per request, as the gateways, quiet, do not.
    logging.getLogger("httpx2").setLevel(logging.WARNING)
    load = os.getloadavg()[0]
    cells = _measured((upstream, litellm_proxy, bastion), profiled_target=bastion)
    _record(cells, "whole", "Chat completions, not streamed", load)
    _record(cells, "stream", "Chat completions, streamed", load)
    _record(cells, "models", "The floor: GET /v1/models, no model call", load)
