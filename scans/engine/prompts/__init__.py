"""Prompt risk scoring: jailbreaks, injections, system prompt leaks and data exfiltration.

    report = score_prompt(text)                    # rules + classifier
    report = score_prompt(text, judge=my_judge)    # a judge refines the scores (see scoring.py)
    findings = to_findings(report, "prompts/support.txt", text=text)

Rules are data in rules.toml; the classifier's weights ship in classifier.json and are rebuilt by
scripts/train_prompt_classifier.py. docs/SCANNING-prompts.md describes both and their measured quality.
"""

from scans.engine.prompts.findings import to_findings
from scans.engine.prompts.report import Evidence, PromptReport
from scans.engine.prompts.scoring import FLAG_THRESHOLD, score_prompt

__all__ = ["FLAG_THRESHOLD", "Evidence", "PromptReport", "score_prompt", "to_findings"]
