"""The scan benchmarks' web and worker processes: the test settings, with scans sent to a real worker.

The test settings run tasks in the process that sends them; here the web process queues them over
Redis, on a queue of the run's own, so that messages another run left cannot take part.
"""

import os

from config.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = os.environ["BENCH_CELERY_QUEUE"]
