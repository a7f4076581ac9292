"""The prompt rewritten with what was found neutralised, for a user to review and resend.

Each family has one treatment. Chat-template tokens and fake role markers are escaped (a backslash
before each punctuation mark) so a model reads them as text; invisible characters are removed;
injected instructions are withheld and replaced by a bracketed note naming the rule, which quotes
them as data without keeping words that would steer a model; URLs and markdown images that could
carry data away are defanged (`hxxp`, `[.]`) so nothing renders or fetches.
"""

import re

from scans.engine.prompts.matching import Hit

_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\U000e0000-\U000e007f]")
_PUNCTUATION = re.compile(r"([^\w\s])")
_URL = re.compile(r"(?:https?:)?//[^\s)\]\"'>]+", re.IGNORECASE)
_ESCAPED_FAMILIES = frozenset({"delimiter"})
_DEFANGED_RULES = frozenset({"exfiltration.markdown-image-query", "exfiltration.split-url"})
# Signals about the text's form rather than instructions in it: removing the characters (or
# nothing, for a lookalike word) is the whole fix.
_FORM_RULES = frozenset({"encoding.invisible-characters", "encoding.mixed-script-word"})


def _defang(text: str) -> str:
    def one(url: re.Match[str]) -> str:
        shown = url.group().replace("http", "hxxp", 1).replace(".", "[.]")
        return shown if shown.startswith("hxxp") else "hxxp:" + shown

    return "[image link removed: " + _URL.sub(one, text).replace("![", "[") + "]"


def _treat(hit: Hit, original: str) -> str:
    if hit.rule.family in _ESCAPED_FAMILIES:
        return _PUNCTUATION.sub(r"\\\1", original)
    if hit.rule.id in _DEFANGED_RULES:
        return _defang(original)
    return f"[quoted instruction withheld: {hit.rule.id}]"


def suggested_prompt(text: str, hits: list[Hit]) -> str:
    spans = sorted((hit for hit in hits if hit.rule.id not in _FORM_RULES), key=lambda hit: (hit.start, -hit.end))
    pieces: list[str] = []
    done = 0
    for hit in spans:
        if hit.start < done:
            continue  # inside a span already treated
        pieces.append(text[done : hit.start])
        pieces.append(_treat(hit, text[hit.start : hit.end]))
        done = hit.end
    pieces.append(text[done:])
    return _INVISIBLE.sub("", "".join(pieces))
