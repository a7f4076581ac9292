from scans.services.scans import scan_run, scan_start, scan_submit
from scans.services.triage import finding_triage

__all__ = ["finding_triage", "scan_run", "scan_start", "scan_submit"]
