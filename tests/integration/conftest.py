"""The real processes' fixtures, shared with the benchmarks (tests/bench/scans), for this folder's tests."""

from tests.processes import celery_queue, process_env  # noqa: F401 -- fixtures, found by their names
