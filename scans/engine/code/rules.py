"""The dangerous-code rules as data: `rules.toml` holds each rule's text and its own test cases.

Every rule carries snippets that must raise it (`examples`) and snippets that must not
(`negative_examples`); a rule without them does not load, so a rule cannot ship untested.
"""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from scans.engine.code.credentials import masked_source_line
from scans.engine.findings import Category, Confidence, Finding, Severity, fingerprint

RULES_FILE = Path(__file__).with_name("rules.toml")
_REQUIRED = ("id", "name", "description", "severity", "confidence", "remediation", "cwe")
_ID = re.compile(r"^(python|llm|js)\.[a-z0-9]+(?:-[a-z0-9]+)*$")
_CWE = re.compile(r"^CWE-\d+$")
_OWASP_LLM = re.compile(r"^LLM(?:0[1-9]|10)$")


class RuleFileError(ValueError):
    """A rules file that cannot be trusted: the message names the rule and what is wrong."""


@dataclass(frozen=True, slots=True)
class CodeRule:
    id: str
    name: str
    description: str
    severity: Severity
    confidence: Confidence
    remediation: str
    cwe: str
    owasp_llm: str | None
    examples: tuple[str, ...]
    negative_examples: tuple[str, ...]
    # The file name the examples are scanned under: some rules only apply to, say, settings modules.
    example_path: str

    @property
    def language(self) -> str:
        return "javascript" if self.id.startswith("js.") else "python"


def _rule(raw: dict) -> CodeRule:
    rule_id = raw.get("id", "<no id>")
    missing = [key for key in _REQUIRED if not str(raw.get(key, "")).strip()]
    if missing:
        raise RuleFileError(f"rule {rule_id}: missing {', '.join(missing)}")
    if not _ID.match(rule_id):
        raise RuleFileError(f"rule {rule_id}: the id must be python.*, llm.* or js.* in kebab case")
    if not _CWE.match(raw["cwe"]):
        raise RuleFileError(f"rule {rule_id}: cwe must look like CWE-502, not {raw['cwe']!r}")
    owasp = raw.get("owasp_llm")
    if owasp is not None and not _OWASP_LLM.match(owasp):
        raise RuleFileError(f"rule {rule_id}: owasp_llm must be LLM01…LLM10, not {owasp!r}")
    for key in ("examples", "negative_examples"):
        snippets = raw.get(key)
        if not snippets or not all(isinstance(s, str) and s.strip() for s in snippets):
            raise RuleFileError(f"rule {rule_id}: needs at least one non-empty entry in {key}")
    try:
        severity, confidence = Severity(raw["severity"]), Confidence(raw["confidence"])
    except ValueError as error:
        raise RuleFileError(f"rule {rule_id}: {error}") from None
    default_path = "example.js" if rule_id.startswith("js.") else "example.py"
    return CodeRule(
        id=rule_id,
        name=raw["name"],
        description=" ".join(raw["description"].split()),
        severity=severity,
        confidence=confidence,
        remediation=" ".join(raw["remediation"].split()),
        cwe=raw["cwe"],
        owasp_llm=owasp,
        examples=tuple(raw["examples"]),
        negative_examples=tuple(raw["negative_examples"]),
        example_path=raw.get("example_path", default_path),
    )


def load_rules(path: Path = RULES_FILE) -> dict[str, CodeRule]:
    """The rules of `path` by id; raises RuleFileError naming the first broken rule."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise RuleFileError(f"{path.name}: {error}") from None
    rules: dict[str, CodeRule] = {}
    for raw in data.get("rules", []):
        rule = _rule(raw)
        if rule.id in rules:
            raise RuleFileError(f"rule {rule.id}: defined twice")
        rules[rule.id] = rule
    if not rules:
        raise RuleFileError(f"{path.name}: no [[rules]]")
    return rules


RULES = load_rules()


def code_finding(rule_id: str, *, path: str, source_line: str, line: int, column: int, value: str) -> Finding:
    """The finding of `rule_id` at `line`/`column` (1-based); `value` is the normalised matched source."""
    rule = RULES[rule_id]
    extra = {"cwe": rule.cwe} | ({"owasp_llm": rule.owasp_llm} if rule.owasp_llm else {})
    return Finding(
        rule_id=rule.id,
        category=Category.CODE,
        severity=rule.severity,
        confidence=rule.confidence,
        title=rule.name,
        description=rule.description,
        remediation=rule.remediation,
        path=path,
        line=line,
        column=column,
        snippet=masked_source_line(source_line),
        fingerprint=fingerprint(rule_id=rule.id, value=value, path=path),
        extra=extra,
    )
