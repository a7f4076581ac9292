"""Baselines: the findings a team has already seen, so that only new ones fail a build.

A baseline holds fingerprints (keyed hashes) with the rule and path they belong to, never a
secret or a snippet, so it is safe to commit next to the code it describes.
"""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from scans.engine.findings import Finding

BASELINE_VERSION = 1


class BaselineError(ValueError):
    """The baseline file cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class Baseline:
    fingerprints: frozenset[str]

    def new_findings(self, findings: Sequence[Finding]) -> tuple[list[Finding], int]:
        """The findings the baseline does not know, and how many it suppressed."""
        kept = [finding for finding in findings if finding.fingerprint not in self.fingerprints]
        return kept, len(findings) - len(kept)


def baseline_load(path: Path) -> Baseline:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"baseline {path} does not exist (create it with --update-baseline)") from None
    except OSError as error:
        raise BaselineError(f"baseline {path} cannot be read ({error.strerror or error})") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BaselineError(f"baseline {path} is not valid JSON; regenerate it with --update-baseline") from None
    if not isinstance(document, dict) or "version" not in document:
        raise BaselineError(f"baseline {path} is not a Bastion baseline (no version)")
    if document["version"] != BASELINE_VERSION:
        raise BaselineError(
            f"baseline {path} has version {document['version']!r}; this bastion-scan reads version {BASELINE_VERSION}"
        )
    entries = document.get("fingerprints")
    if not isinstance(entries, list) or not all(
        isinstance(entry, dict) and isinstance(entry.get("fingerprint"), str) for entry in entries
    ):
        raise BaselineError(f"baseline {path}: fingerprints must be a list of objects with a fingerprint")
    return Baseline(frozenset(entry["fingerprint"] for entry in entries))


def baseline_write(path: Path, findings: Iterable[Finding]) -> int:
    """Write every finding's fingerprint; returns how many distinct ones were written."""
    entries = {
        finding.fingerprint: {"fingerprint": finding.fingerprint, "rule_id": finding.rule_id, "path": finding.path}
        for finding in findings
    }
    document = {
        "version": BASELINE_VERSION,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "fingerprints": sorted(
            entries.values(), key=lambda entry: (entry["path"], entry["rule_id"], entry["fingerprint"])
        ),
    }
    try:
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        raise BaselineError(f"baseline {path} cannot be written ({error.strerror or error})") from None
    return len(entries)
