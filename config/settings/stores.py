"""Where state lives: the database, the cache, the channel layer and Celery's broker."""

import os

import dj_database_url

from .env import BASE_DIR
from .scans import SCAN_SWEEP_SECONDS

# --- Data stores -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL)
    if DATABASE_URL
    else {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A web server writes from several threads at once: WAL lets reads go on during a write, the
    # busy timeout makes a second writer wait instead of failing with "database is locked", and
    # IMMEDIATE transactions take the write lock at BEGIN, so a check-then-write inside
    # `transaction.atomic` is serialized (SQLite has no SELECT ... FOR UPDATE).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Under ASGI each request's sync code runs in a thread of its own, so per-thread persistent
    # connections would mean a new connection per request; psycopg's pool keeps them warm instead.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DATABASE_POOL_MIN", "2")),
        "max_size": int(os.environ.get("DATABASE_POOL_MAX", "10")),
        "timeout": 10,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"pool_class": "config.cache.SharedConnectionPool"},
        }
    }
    # No read timeout: channels-redis blocks on Redis for up to 5 s at a time, which redis-py 8's
    # default socket timeout would turn into dropped idle WebSockets.
    # Capacity: every socket of a process shares one Redis key, drained one message per round trip,
    # and group_send silently drops what goes over it. At the default 100, twenty answers streaming at
    # once in one process lost tokens and their `done` (tests/bench/websocket).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": None}], "capacity": 10_000},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Celery: a real broker when Redis is configured, otherwise tasks run in-process -------------
# A host named, or kombu warns on every eager task that it chose one.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task taken by a worker that then died (SIGKILL, a lost machine) goes back to the queue after this
# many seconds; keep it above the longest task's hard time limit, or a slow task runs twice at once.
_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
# Workers look for such tasks every so often: kombu 5.7 scans on every tenth look, ten seconds apart,
# so a task became visible again could wait 100 s more; here every look scans (one cheap ZRANGE).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _VISIBILITY_TIMEOUT,
    "unacked_restore_throttle": 1,
    "unacked_restore_interval": min(10, _VISIBILITY_TIMEOUT),
}
# `celery -A config beat` (one process per deployment) sends these.
CELERY_BEAT_SCHEDULE = {
    "scans-stale-requeue": {
        "task": "scans.tasks.scans_stale_requeue_task",
        "schedule": float(SCAN_SWEEP_SECONDS),
    },
    "expired-tokens-flush": {"task": "accounts.tasks.expired_tokens_flush_task", "schedule": 24 * 3600.0},
}
