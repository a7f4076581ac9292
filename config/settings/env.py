"""What every settings module reads the environment with: once, here, by name."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Used only by the embedded default; prod.py refuses to start with it.
DEV_SECRET_KEY = "bastion-dev-only-secret-key-do-not-use-in-production"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]
