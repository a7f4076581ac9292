import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.bench.bench_settings")

from config.asgi import application  # noqa: E402, F401
