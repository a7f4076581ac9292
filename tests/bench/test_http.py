"""Latency and throughput of the HTTP API (PRODUCT.md "Performance targets")."""

import base64
import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from django_otp.oath import TOTP

from tests.bench.conftest import profiled, record

PASSWORD = "Bench-Password-2026!"
# The machine is shared: the pair is measured this many times, alternating, and the medians reported.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECONDS = 5.0


def _latencies(call, count: int) -> list[float]:
    timings = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def _percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1]


def _throughput(url: str, headers: dict[str, str], seconds: float = SECONDS, workers: int = 8) -> float:
    deadline = time.perf_counter() + seconds

    def worker() -> int:
        done = 0
        with requests.Session() as session:
            while time.perf_counter() < deadline:
                assert session.get(url, headers=headers, timeout=5).status_code == 200
                done += 1
        return done

    with ThreadPoolExecutor(workers) as pool:
        total = sum(pool.map(lambda _: worker(), range(workers)))
    return total / seconds


def _signed_in(server: str, session: requests.Session) -> tuple[str, str]:
    email = f"bench-{time.time_ns()}@example.com"
    registered = session.post(
        f"{server}/api/v1/auth/register", json={"email": email, "username": email[:20], "password": PASSWORD}
    ).json()
    token = registered["enrollment_token"]
    enrolled = session.post(f"{server}/api/v1/auth/mfa/enroll", json={"method": "totp", "enrollment_token": token})
    code = f"{TOTP(base64.b32decode(enrolled.json()['secret'])).token():06d}"
    confirmed = session.post(
        f"{server}/api/v1/auth/mfa/confirm", json={"method": "totp", "code": code, "enrollment_token": token}
    )
    return confirmed.json()["access_token"], email


def test_health_latency(server):
    with requests.Session() as session:
        _latencies(lambda: session.get(f"{server}/health"), 50)
        timings = _latencies(lambda: session.get(f"{server}/health"), 1000)

    record("Health", "GET /health p50", f"{statistics.median(timings):.2f} ms", "< 10 ms")
    record("Health", "GET /health p95", f"{_percentile(timings, 95):.2f} ms", "")


def test_login_latency(server):
    with requests.Session() as session:
        _, email = _signed_in(server, session)
        # Five attempts: the most a minute allows per account and address.
        timings = []
        for _ in range(5):
            start = time.perf_counter()
            response = session.post(f"{server}/api/v1/auth/login", json={"email": email, "password": PASSWORD})
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.text

    median = f"{statistics.median(timings):.1f} ms"
    record("Sign-in", "POST /auth/login (password step, Argon2), median of 5", median, "< 300 ms")


def test_authenticated_list_throughput_against_bare_django(server, server_process):
    with requests.Session() as session:
        access, _ = _signed_in(server, session)
    bearer = {"Authorization": f"Bearer {access}"}
    rounds = []
    for turn in range(ROUNDS):
        bare = _throughput(f"{server}/bench/bare", {})
        with profiled(server_process[1], f"security-events-{turn + 1}", SECONDS):
            listed = _throughput(f"{server}/api/v1/auth/security-events", bearer)
        rounds.append((bare, listed, listed / bare))

    bare, listed, ratio = (statistics.median(figures) for figures in zip(*rounds, strict=True))
    each = ", ".join(f"{r:.0%}" for _, _, r in rounds)
    record("Throughput", f"bare Django JSON view, median of {ROUNDS}", f"{bare:.0f} req/s", "")
    record("Throughput", f"GET /auth/security-events (JWT, paginated), median of {ROUNDS}", f"{listed:.0f} req/s", "")
    record("Throughput", f"ratio, median of {ROUNDS} ({each})", f"{ratio:.0%}", ">= 60 %")
