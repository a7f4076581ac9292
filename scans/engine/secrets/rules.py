"""Secret rules are data: TOML files with embedded examples, checked when they are loaded.

A rule that cannot prove itself on its own examples never loads, so a typo in a pattern fails at
start-up (or in the rule walk test) instead of silently finding nothing. Custom rules go through the
same checks, which is what makes it safe to accept them from an organization.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from re import _parser  # the stdlib's own regex parser, to inspect a pattern's shape
from typing import Any

from scans.engine.findings import Confidence, Severity, mask
from scans.engine.secrets.allowlist import is_allowed
from scans.engine.secrets.validators import VALIDATORS

BUILTIN_RULES = Path(__file__).resolve().parent.parent / "rules"
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,80}$")
_REQUIRED = ("id", "name", "description", "pattern", "keywords", "severity", "confidence", "remediation", "examples")
_OPTIONAL = ("entropy", "validator", "negative_examples")
MAX_PATTERN_LENGTH = 2000


class RuleError(ValueError):
    """A rules file or a rule in it is unusable; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    description: str
    pattern: str
    regex: re.Pattern[str]
    keywords: tuple[str, ...]
    severity: Severity
    confidence: Confidence
    remediation: str
    examples: tuple[str, ...]
    negative_examples: tuple[str, ...] = ()
    entropy: float | None = None
    validator: str | None = None
    source: str = ""

    def __repr__(self) -> str:
        return f"Rule({self.id!r})"

    def secrets_in(self, text: str) -> Iterator[Candidate]:
        """What this rule reports in `text`: matches past the entropy floor, the allow-list and the validator."""
        for match in self.regex.finditer(text):
            value = match.group(1)
            if not value or (self.entropy is not None and shannon_entropy(value) < self.entropy):
                continue
            if is_allowed(value):
                continue
            confidence = self.confidence
            if self.validator is not None:
                check = VALIDATORS[self.validator]
                if not check.passes(value):
                    if check.strict:
                        continue
                    # A format whose checksum fails may still be a real (older or hand-edited) token.
                    confidence = Confidence.LOW
            yield Candidate(match, value, confidence)


@dataclass(frozen=True, slots=True)
class Candidate:
    match: re.Match[str]
    value: str
    confidence: Confidence

    def __repr__(self) -> str:
        return f"Candidate({mask(self.value)!r}, {self.confidence.value})"


def shannon_entropy(value: str) -> float:
    """Bits per character: random tokens score 4 to 6, words and placeholders far less."""
    counts = Counter(value)
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def load_rules(paths: Iterable[Path] | None = None) -> list[Rule]:
    """Every rule in the given TOML files (the built-in families by default), checked."""
    files = sorted(BUILTIN_RULES.glob("*.toml")) if paths is None else [Path(p) for p in paths]
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for file in files:
        for rule in _load_file(file):
            if rule.id in seen:
                raise RuleError(f"{file.name}: rule {rule.id!r} is already defined in {seen[rule.id]}")
            seen[rule.id] = file.name
            rules.append(rule)
    return rules


def _load_file(file: Path) -> list[Rule]:
    try:
        document = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as error:
        raise RuleError(f"{file}: cannot be read ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise RuleError(f"{file}: is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise RuleError(f"{file.name}: is not valid TOML ({error})") from None
    entries = document.get("rules")
    if not isinstance(entries, list) or not entries:
        raise RuleError(f"{file.name}: holds no [[rules]] tables")
    return [build_rule(entry, source=file.name) for entry in entries]


def build_rule(entry: Any, *, source: str = "") -> Rule:
    """One rule from its table, refused with a clear message unless it is sound."""
    if not isinstance(entry, dict):
        raise RuleError(f"{source}: each [[rules]] entry must be a table")
    label = f"{source}: rule {entry.get('id', '?')!r}"
    missing = [key for key in _REQUIRED if key not in entry]
    if missing:
        raise RuleError(f"{label} lacks {', '.join(missing)}")
    unknown = sorted(set(entry) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise RuleError(f"{label} has unknown fields: {', '.join(unknown)}")
    rule_id = _text(entry, "id", label)
    if not _ID.match(rule_id):
        raise RuleError(f"{label}: the id must be lower-case letters, digits, '.', '_' or '-'")
    pattern = _text(entry, "pattern", label)
    regex = _compile(pattern, label)
    keywords = _texts(entry, "keywords", label)
    examples = _texts(entry, "examples", label)
    negatives = _texts(entry, "negative_examples", label, required=False)
    validator = entry.get("validator")
    if validator is not None and validator not in VALIDATORS:
        raise RuleError(f"{label}: unknown validator {validator!r} (known: {', '.join(sorted(VALIDATORS))})")
    entropy = entry.get("entropy")
    if entropy is not None and (isinstance(entropy, bool) or not isinstance(entropy, int | float) or entropy < 0):
        raise RuleError(f"{label}: entropy must be a non-negative number of bits per character")
    rule = Rule(
        id=rule_id,
        name=_text(entry, "name", label),
        description=_text(entry, "description", label),
        pattern=pattern,
        regex=regex,
        keywords=tuple(k.lower() for k in keywords),
        severity=_choice(Severity, entry, "severity", label),
        confidence=_choice(Confidence, entry, "confidence", label),
        remediation=_text(entry, "remediation", label),
        examples=examples,
        negative_examples=negatives,
        entropy=float(entropy) if entropy is not None else None,
        validator=validator,
        source=source,
    )
    _check_examples(rule, label)
    return rule


def _text(entry: dict, key: str, label: str) -> str:
    value = entry[key]
    if not isinstance(value, str) or not value.strip():
        raise RuleError(f"{label}: {key} must be a non-empty string")
    return value


def _texts(entry: dict, key: str, label: str, *, required: bool = True) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise RuleError(f"{label}: {key} must be a list of non-empty strings")
    if required and not value:
        raise RuleError(f"{label}: {key} must not be empty")
    return tuple(value)


def _choice(kind: type, entry: dict, key: str, label: str) -> Any:
    try:
        return kind(entry[key])
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise RuleError(f"{label}: {key} must be one of {allowed}") from None


def _compile(pattern: str, label: str) -> re.Pattern[str]:
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise RuleError(f"{label}: the pattern is longer than {MAX_PATTERN_LENGTH} characters")
    try:
        regex = re.compile(pattern, re.ASCII)
    except re.error as error:
        raise RuleError(f"{label}: the pattern is not a valid regular expression ({error})") from None
    if regex.groups != 1:
        raise RuleError(f"{label}: the pattern must have exactly one capture group, the secret (has {regex.groups})")
    if _has_nested_quantifier(_parser.parse(pattern, re.ASCII)):
        raise RuleError(
            f"{label}: the pattern nests a repeat inside a repeat, which can take exponential time; "
            "bound the inner repeat or flatten it"
        )
    return regex


_REPEATS = {_parser.MAX_REPEAT, _parser.MIN_REPEAT, getattr(_parser, "POSSESSIVE_REPEAT", None)} - {None}
# A repeat bounded this low cannot blow up however it nests.
_SMALL = 64


def _has_nested_quantifier(items: Any, outer: int = 0) -> bool:
    """True where a repeat sits inside a repeat and either is unbounded: the shape of catastrophic backtracking.

    `outer` is the largest upper bound of the repeats around `items` (0 when there are none).
    """
    for op, arg in items:
        if op in _REPEATS:
            _low, high, body = arg
            if high > 1 and outer > 1 and max(high, outer) > _SMALL:
                return True
            if _has_nested_quantifier(body, max(outer, high)):
                return True
        elif op is _parser.SUBPATTERN:
            if _has_nested_quantifier(arg[-1], outer):
                return True
        elif op is _parser.BRANCH:
            if any(_has_nested_quantifier(branch, outer) for branch in arg[1]):
                return True
        elif op in (_parser.ASSERT, _parser.ASSERT_NOT) and _has_nested_quantifier(arg[1], outer):
            return True
    return False


def _check_examples(rule: Rule, label: str) -> None:
    for example in rule.examples:
        lowered = example.lower()
        if not any(keyword in lowered for keyword in rule.keywords):
            raise RuleError(f"{label}: an example holds none of the keywords, so the prefilter would skip it")
        if not any(True for _ in rule.secrets_in(example)):
            raise RuleError(f"{label}: an example does not match the pattern: {_shown(example)}")
    for negative in rule.negative_examples:
        if any(True for _ in rule.secrets_in(negative)):
            raise RuleError(f"{label}: a negative example matches the pattern: {_shown(negative)}")


def _shown(example: str) -> str:
    # Examples are meant to be fake, but a rules file is user input: never echo a whole value.
    return repr(example[:12] + "…") if len(example) > 12 else repr(example)
