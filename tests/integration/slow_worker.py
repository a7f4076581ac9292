"""The Celery app for the worker-loss tests (`celery -A tests.integration.slow_worker`): Bastion's own,
with a code scan that, the first time only, writes its process id to SLOW_SCAN_STARTED and then
takes long enough to be killed in."""

import os
import time
from pathlib import Path

from celery.signals import task_prerun

from config.celery import app

__all__ = ["app"]


@task_prerun.connect
def _slow_code_scans(**_kwargs: object) -> None:
    from scans import runners
    from scans.models import Scan

    real = runners.RUNNERS[Scan.ScanType.CODE]
    if getattr(real, "slowed", False):
        return

    def slow(source: runners.ScanInput) -> runners.Outcome:
        started = Path(os.environ["SLOW_SCAN_STARTED"])
        if not started.exists():
            started.write_text(str(os.getpid()))
            time.sleep(300)
        return real(source)

    slow.slowed = True
    runners.RUNNERS[Scan.ScanType.CODE] = slow
