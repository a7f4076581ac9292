"""Run the rules over a prompt's views and over what its encoded payloads decode to."""

import base64
import binascii
import re
from dataclasses import dataclass

from scans.engine.prompts.normalise import Views, normalise
from scans.engine.prompts.rules import PromptRule, RuleSet

EXCERPT_LIMIT = 80
_SPACES = re.compile(r"\s+")
_HEX_SEPARATORS = re.compile(r"[ :]")
_MORSE_CODES = (
    ".- -... -.-. -.. . ..-. --. .... .. .--- -.- .-.. -- -. --- .--. --.- .-. ... - ..- ...- .-- -..- -.-- --.. "
    "----- .---- ..--- ...-- ....- ..... -.... --... ---.. ----. .-.-.- --..-- ..--.. -.-.-- .----. .-..-. "
    "-.--. -.--.- ---... -.-.-. -...- .-.-. -....- -..-. .--.-. ..--.-"
)
_MORSE = dict(zip(_MORSE_CODES.split(), "abcdefghijklmnopqrstuvwxyz0123456789.,?!'\"():;=+-/@_", strict=True))  # noqa: SIM905 - a table reads better as one string
_MORSE_WORD_GAP = re.compile(r"\s*/\s*|\s{2,}")


@dataclass(frozen=True, slots=True)
class Hit:
    rule: PromptRule
    start: int
    end: int
    excerpt: str


def excerpt_of(text: str) -> str:
    shown = _SPACES.sub(" ", text).strip()
    return shown if len(shown) <= EXCERPT_LIMIT else shown[: EXCERPT_LIMIT - 1] + "…"


def _readable(data: bytes) -> str | None:
    """The decoded bytes as text when they read like language rather than binary or a digest."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if len(text) < 8 or not all(char.isprintable() or char.isspace() for char in text):
        return None
    wordlike = sum(char.isalpha() or char == " " for char in text)
    return text if wordlike >= 0.7 * len(text) and " " in text.strip() else None


def _morse(run: str) -> str | None:
    codes = [word.split() for word in _MORSE_WORD_GAP.split(run.strip())]
    known = sum(code in _MORSE for word in codes for code in word)
    if known < 0.9 * sum(len(word) for word in codes):
        return None
    return " ".join("".join(_MORSE.get(code, "") for code in word) for word in codes)


def decode_payload(run: str, encoding: str) -> str | None:
    if encoding == "morse":
        decoded = _morse(run)
        return _readable(decoded.encode()) if decoded else None
    try:
        if encoding == "base64":
            data = base64.b64decode(run + "=" * (-len(run) % 4), validate=True)
        else:
            data = bytes.fromhex(_HEX_SEPARATORS.sub("", run))
    except (binascii.Error, ValueError):
        return None
    return _readable(data)


def find_hits(views: Views, rules: RuleSet, *, decode: bool = True) -> list[Hit]:
    hits: list[Hit] = []
    seen: set[tuple[str, int]] = set()

    def add(rule: PromptRule, start: int, end: int, excerpt: str) -> None:
        if (rule.id, start) not in seen:
            seen.add((rule.id, start))
            hits.append(Hit(rule=rule, start=start, end=end, excerpt=excerpt_of(excerpt)))

    if rules.normalised is not None:
        # The leetspeak view differs only where digits or symbols stood for letters; reading it
        # only then keeps the common case to a single pass.
        for view in (views.plain, views.leet) if views.leet != views.plain else (views.plain,):
            for match in rules.normalised.finditer(view):
                start, end = views.span(match.start(), match.end())
                add(rules.rule_of(match), start, end, views.raw[start:end])
    if rules.raw is not None:
        for match in rules.raw.finditer(views.raw):
            rule = rules.rule_of(match)
            if not rule.decode:
                add(rule, match.start(), match.end(), views.raw[match.start() : match.end()])
                continue
            decoded = decode_payload(match.group(), rule.decode) if decode else None
            if decoded is None:
                continue
            add(rule, match.start(), match.end(), f"decodes to: {decoded}")
            # One level deep: a payload encoded twice is still flagged by the outer rule.
            for inner in find_hits(normalise(decoded), rules, decode=False):
                add(inner.rule, match.start(), match.end(), f"decoded: {inner.excerpt}")
    return hits
