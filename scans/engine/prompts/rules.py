"""Prompt rules as data (rules.toml), loaded once and compiled into one alternation per view.

One combined pattern per view means one pass over the text whatever the number of rules; a match
tells which rule it is by its group name. Where two rules could match from the same character, the
one starting at a word boundary wins, then file order decides.
"""

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

RULES_PATH = Path(__file__).with_name("rules.toml")
FAMILIES = frozenset(
    {"jailbreak", "injection", "delimiter", "indirect", "encoding", "system_prompt", "secrets", "exfiltration"}
)
VIEWS = frozenset({"normalised", "raw"})
DECODERS = frozenset({"", "base64", "hex", "morse"})
_FLAGS = re.IGNORECASE | re.MULTILINE


class RuleError(ValueError):
    """A rules file that cannot be trusted to scan: the message names the rule and the problem."""


@dataclass(frozen=True, slots=True)
class PromptRule:
    id: str
    family: str
    pattern: str
    weight: float
    description: str
    examples: tuple[str, ...]
    negative_examples: tuple[str, ...]
    view: str = "normalised"
    decode: str = ""


@dataclass(frozen=True, slots=True)
class RuleSet:
    rules: tuple[PromptRule, ...]
    # Group names r<i>w and r<i>o are parts of rules[i]; None when no rule reads that view.
    normalised: re.Pattern[str] | None
    raw: re.Pattern[str] | None

    def rule_of(self, match: re.Match[str]) -> PromptRule:
        return self.rules[int(match.lastgroup[1:-1])]  # type: ignore[index]


def _rule_from(entry: dict, index: int) -> PromptRule:
    rule_id = entry.get("id") or f"rules[{index}]"
    try:
        rule = PromptRule(
            id=entry["id"],
            family=entry["family"],
            pattern=entry["pattern"],
            weight=float(entry["weight"]),
            description=entry["description"],
            examples=tuple(entry.get("examples", ())),
            negative_examples=tuple(entry.get("negative_examples", ())),
            view=entry.get("view", "normalised"),
            decode=entry.get("decode", ""),
        )
    except KeyError as missing:
        raise RuleError(f"{rule_id}: missing {missing.args[0]!r}") from None
    if rule.family not in FAMILIES:
        raise RuleError(f"{rule_id}: unknown family {rule.family!r}")
    if rule.view not in VIEWS or rule.decode not in DECODERS or (rule.decode and rule.view != "raw"):
        raise RuleError(f"{rule_id}: view {rule.view!r} with decode {rule.decode!r} is not supported")
    if not 0 < rule.weight <= 1:
        raise RuleError(f"{rule_id}: weight must be in (0, 1]")
    # A rule without examples is a rule nobody has seen fire; one without negatives, one nobody
    # has seen stay quiet.
    if not rule.examples or not rule.negative_examples:
        raise RuleError(f"{rule_id}: needs both examples and negative_examples")
    try:
        compiled = re.compile(rule.pattern, _FLAGS)
    except re.error as error:
        raise RuleError(f"{rule_id}: pattern does not compile ({error})") from None
    if compiled.groups:
        raise RuleError(f"{rule_id}: use (?:...) groups; the matcher names the groups itself")
    return rule


def _alternatives(pattern: str) -> list[str]:
    """The pattern's top-level alternatives (split on `|` outside groups and classes)."""
    parts, current, depth, in_class, escaped = [], [], 0, False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _combine(rules: tuple[PromptRule, ...], view: str) -> re.Pattern[str] | None:
    # Alternatives that start at a word are gathered behind one shared `\b(?=\w)`: inside a word,
    # where most positions are, the whole group then fails in one step instead of once per rule.
    at_word, elsewhere = [], []
    for index, rule in enumerate(rules):
        if rule.view != view:
            continue
        alternatives = _alternatives(rule.pattern)
        worded = [part[2:] for part in alternatives if part.startswith("\\b")]
        others = [part for part in alternatives if not part.startswith("\\b")]
        if worded:
            at_word.append(f"(?P<r{index}w>{'|'.join(worded)})")
        if others:
            elsewhere.append(f"(?P<r{index}o>{'|'.join(others)})")
    parts = ([f"\\b(?=\\w)(?:{'|'.join(at_word)})"] if at_word else []) + elsewhere
    return re.compile("|".join(parts), _FLAGS) if parts else None


def parse_rules(text: str) -> RuleSet:
    entries = tomllib.loads(text).get("rules", [])
    rules = tuple(_rule_from(entry, index) for index, entry in enumerate(entries))
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RuleError(f"{rule.id}: defined twice")
        seen.add(rule.id)
    return RuleSet(rules=rules, normalised=_combine(rules, "normalised"), raw=_combine(rules, "raw"))


@cache
def default_rules() -> RuleSet:
    return parse_rules(RULES_PATH.read_text(encoding="utf-8"))
