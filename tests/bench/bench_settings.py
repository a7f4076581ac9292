"""Production settings (what a deployment serves), with the baseline view added."""

from config.settings.prod import *  # noqa: F403

ROOT_URLCONF = "tests.bench.bench_urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
