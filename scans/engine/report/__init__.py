"""The scan report in three formats: text for a terminal, JSON for programs, SARIF for code-scanning services."""

from dataclasses import dataclass, field
from datetime import datetime

from scans.engine.scanner import ScanResult
from scans.engine.scoring import RiskScore, risk_score


@dataclass(frozen=True)
class Report:
    """What every format renders: the scan's result once the baseline has filtered it."""

    result: ScanResult
    started_at: datetime
    tool_version: str
    command_line: list[str] = field(default_factory=list)
    suppressed: int = 0

    @property
    def risk(self) -> RiskScore:
        return risk_score(self.result.findings)
