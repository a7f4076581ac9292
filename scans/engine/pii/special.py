"""Special categories of GDPR Art. 9 in prose: phrases that state a fact about a person.

A bare keyword ("cancer", "church", "union") is mostly about the world, not about someone, so each
lexicon entry needs its context: a verb of being or having, a diagnosis, a membership. All eight
categories are one compiled alternation with a named group each, so the text is read once. The
religions and political groups are those of data/groups.txt, which also gives groups.py its NRP
mentions: a bare "Catholic" is NRP, "she is a devout Catholic" is RELIGION.
"""

import re
from collections.abc import Iterator

from . import groups
from .types import Span
from .windows import lowered, trie_pattern, windows


def _alternation(section: str) -> str:
    """The section's entries as lower-case alternatives, any spacing and an optional apostrophe."""
    entries = sorted(groups.sections()[section], key=len, reverse=True)
    return "|".join(re.escape(entry.lower()).replace(r"\ ", r"\s+").replace("'", "'?") for entry in entries)


_BE = r"(?:is|am|are|was|were|being|been|as|identif(?:y|ies|ied)\s+as|came\s+out\s+as)\s+(?:an?\s+)?"
_TAIL = r"[^\n.,;:!?()]{2,40}?(?=[\n.,;:!?()]|\s+(?:and|but|since|for|in|on|at|who|which)\b|$)"
_CONDITIONS = (
    r"cancer|leukaemia|leukemia|diabetes|asthma|epilepsy|depression|anxiety\s+disorder|schizophrenia"
    r"|bipolar(?:\s+disorder)?|dementia|alzheimer'?s|parkinson'?s|multiple\s+sclerosis|hiv|aids"
    r"|hepatitis\s+[abc]|tuberculosis|autism|adhd|ptsd|anorexia|bulimia|an?\s+eating\s+disorder"
    r"|a\s+(?:heart|mental|chronic)\s+(?:condition|illness|disease)|covid(?:-19)?|a\s+stroke|a\s+disability"
)
_LEXICON = {
    "HEALTH": (
        rf"\bdiagnosed\s+with\s+{_TAIL}"
        rf"|\bsuffer(?:s|ed|ing)?\s+from\s+{_TAIL}"
        rf"|\b(?:has|have|had|having|living\s+with|treated\s+for|treatment\s+for|recovering\s+from)\s+(?:{_CONDITIONS})\b"
        r"|\bhiv[\s-](?:positive|negative)\b"
        r"|\b(?:is|am|was)\s+(?:\w+\s+)?(?:pregnant|diabetic|epileptic|asthmatic|disabled|autistic|hiv\+)\b"
        r"|\b(?:prescribed|taking|on)\s+(?:insulin|antidepressants|antiretrovirals?|methadone|chemotherapy|lithium)\b"
        r"|\b(?:medical|health)\s+(?:condition|history)\s*(?::|of|includes?)\s*"
        + _TAIL
        + r"|\b(?:blood\s+type|blood\s+group)\s*(?::|is)?\s*(?:ab|a|b|o)[+-]"
    ),
    "RELIGION": (
        rf"\b{_BE}(?:devout\s+|practi[cs]ing\s+|observant\s+)?(?:{_alternation('religion')})\b"
        r"|\b(?:goes|go|going|went|attends?|attending|attended)\s+(?:to\s+)?(?:the\s+|a\s+)?(?:mosque|church|synagogue|temple|gurdwara)\b"
        r"|\bconvert(?:ed|s)?\s+to\s+(?:islam|christianity|judaism|hinduism|buddhism|catholicism|sikhism)\b"
        rf"|\breligio(?:n|us\s+(?:belief|affiliation)s?)\s*(?::|is)\s*{_TAIL}"
    ),
    "ETHNICITY": (
        rf"\b{_BE}(?:black|african[\s-]american|hispanic|latin[oax]|asian(?:[\s-]american)?|caucasian|roma"
        r"|romani|arab|aboriginal|indigenous|native\s+american|pacific\s+islander|mixed[\s-]race|biracial)\b"
        rf"|\b(?:ethnicity|ethnic\s+(?:origin|background)|racial\s+origin|race)\s*(?::|is)\s*{_TAIL}"
        r"|\bof\s+[a-z]+\s+(?:descent|ethnic\s+origin|heritage)\b"
    ),
    "SEXUAL_ORIENTATION": (
        rf"\b{_BE}(?:gay|lesbian|bisexual|homosexual|heterosexual|queer|pansexual|asexual|transgender"
        r"|trans\s+(?:man|woman)|non-binary|lgbtq?\+?)\b"
        rf"|\bsexual\s+orientation\s*(?::|is)\s*{_TAIL}"
    ),
    "POLITICAL_OPINION": (
        r"\bvot(?:e|es|ed|ing)\s+(?:for\s+)?(?:the\s+)?(?:labour|conservatives?|tor(?:y|ies)|democrats?|republicans?"
        r"|greens?|lib\s*dems?|liberal\s+democrats|reform|afd|spd|cdu|fdp|die\s+linke|rassemblement\s+national"
        r"|la\s+france\s+insoumise|snp|ukip)\b"
        rf"|\b{_BE}(?:(?:registered|lifelong|staunch)\s+)?(?:{_alternation('political')})\b"
        r"|\b(?:member|membership)\s+of\s+the\s+(?:[\w'-]+\s+){1,4}party\b"
        rf"|\bpolitical\s+(?:views?|opinions?|affiliation|beliefs?)\s*(?::|are|is)\s*{_TAIL}"
    ),
    "TRADE_UNION": (
        r"\b(?:member|membership|members)\s+of\s+(?:the\s+|a\s+|his\s+|her\s+|their\s+)?(?:trade\s+|labou?r\s+)?union\b"
        r"|\b(?:joined|belongs?\s+to)\s+(?:the\s+|a\s+)?(?:trade\s+|labou?r\s+)?union\b"
        r"|\bunion\s+(?:member(?:ship)?|rep(?:resentative)?|steward|dues)\b"
        r"|\bshop\s+steward\b|\b(?:Teamsters|UNISON|Unite\s+the\s+Union|AFL-CIO|IG\s+Metall|ver\.di)\b"
    ),
    "BIOMETRIC": (
        r"\b(?:fingerprints?|retina(?:l)?\s+scans?|iris\s+(?:scans?|patterns?)|face\s*prints?|palm\s*prints?"
        r"|voice\s*prints?|facial\s+(?:recognition|geometry|templates?|scans?)"
        r"|biometric\s+(?:data|templates?|identifiers?|samples?|records?))\b"
    ),
    "GENETIC": (
        r"\b(?:DNA\s+(?:test|sample|profile|sequence|results?)s?|genetic\s+(?:test(?:ing|s)?|data|markers?"
        r"|predisposition|disorder|condition|profile|results?)|genome\s+sequenc\w*"
        r"|BRCA[12](?:\s+(?:gene|mutation|carrier|positive))?|carrier\s+of\s+the\s+\w+\s+gene)\b"
    ),
}
CATEGORIES = frozenset(_LEXICON)
_SPECIAL = re.compile("|".join(f"(?P<{name}>{pattern.lower()})" for name, pattern in _LEXICON.items()))
# Every lexicon entry contains one of these stems; the full patterns run only around them.
_GROUP_STEMS = [
    entry.lower().split()[-1] for section in ("religion", "political") for entry in groups.sections()[section]
]
_ANCHOR = re.compile(
    trie_pattern(
        _GROUP_STEMS
        + [
            "diagnos",
            "suffer",
            "cancer",
            "leukaemi",
            "leukemi",
            "diabet",
            "asthma",
            "epilep",
            "depression",
            "anxiety",
            "schizo",
            "bipolar",
            "dementia",
            "alzheimer",
            "parkinson",
            "sclerosis",
            "hiv",
            "aids",
            "hepatitis",
            "tubercul",
            "autis",
            "adhd",
            "ptsd",
            "anorexi",
            "bulimi",
            "disorder",
            "condition",
            "illness",
            "disease",
            "covid",
            "stroke",
            "disab",
            "pregnan",
            "insulin",
            "antidepress",
            "antiretrovir",
            "methadone",
            "chemo",
            "lithium",
            "history",
            "blood",
            "mosque",
            "church",
            "synagogue",
            "temple",
            "gurdwara",
            "convert",
            "religio",
            "black",
            "african",
            "hispanic",
            "latin",
            "asian",
            "caucasian",
            "roma",
            "arab",
            "aborigin",
            "indigenous",
            "native",
            "islander",
            "race",
            "racial",
            "ethnic",
            "descent",
            "heritage",
            "gay",
            "lesbian",
            "bisexual",
            "sexual",
            "queer",
            "asexual",
            "trans",
            "non-binary",
            "lgbt",
            "vot",
            "party",
            "political",
            "union",
            "steward",
            "teamsters",
            "afl-cio",
            "metall",
            "ver.di",
            "finger",
            "retina",
            "iris",
            "face",
            "palm",
            "voice",
            "facial",
            "biometric",
            "dna",
            "genetic",
            "genome",
            "brca",
            "gene",
        ]
    )
)
_WINDOW_BEFORE, _WINDOW_AFTER = 60, 60


def find_special(text: str) -> Iterator[Span]:
    lower = lowered(text)
    last_end = 0
    for low, high in windows(lower, _ANCHOR, before=_WINDOW_BEFORE, after=_WINDOW_AFTER):
        for match in _SPECIAL.finditer(lower, max(low, last_end), high):
            last_end = match.end()
            yield Span(match.lastgroup or "HEALTH", match.start(), match.end(), 0.7)
