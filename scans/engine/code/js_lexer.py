"""A JavaScript/TypeScript/JSX tokenizer good enough for rule matching, not for compiling.

It drops comments, keeps string, template and regular-expression literals as single tokens (so
nothing inside them can match a rule), and records each template's `${…}` fields for the rules that
look inside. It never raises: text it cannot read becomes single-character punctuation.
"""

import re
from dataclasses import dataclass

_MASTER = re.compile(
    r"""(?P<space>\s+)
    |(?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z)|<!--[^\n]*)
    |(?P<name>[^\W\d][\w$]*|\$[\w$]*)
    |(?P<number>\.?\d[\w.]*)
    |(?P<string>"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?)
    |(?P<template>`)
    |(?P<punct>=>|\.\.\.|[=!]==|[=!<>]=|&&=?|\|\|=?|\?\?=?|\?\.|\+\+|--|[-+*/%&|^]=|[^\s\w])""",
    re.VERBOSE | re.DOTALL,
)
# A `/` after these starts a regular expression, not a division.
_REGEX_AFTER_NAMES = frozenset(
    {"return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield"}
    | {"await"}
)
_REGEX = re.compile(r"/(?:[^/\\\n\[]|\\.|\[(?:[^\]\\\n]|\\.)*\])+/[a-zA-Z]*")


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs twice as much, per token
class Token:
    kind: str  # name, number, string, template, regex, punct
    value: str
    start: int
    end: int
    # A template's `${…}` sources, each to be tokenized on demand.
    fields: tuple[str, ...] = ()


def tokenize(text: str) -> list[Token]:
    return _Lexer(text).run(0, nested=False)[0]


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text

    def run(self, pos: int, *, nested: bool) -> tuple[list[Token], int]:
        """Tokens from `pos`; when `nested`, stop at the `}` closing a template field."""
        text, size = self.text, len(self.text)
        tokens: list[Token] = []
        depth = 0
        while pos < size:
            match = _MASTER.match(text, pos)
            if match is None:  # a lone surrogate or similar: skip it
                pos += 1
                continue
            kind, end = match.lastgroup, match.end()
            if kind in ("space", "comment"):
                pos = end
                continue
            if kind == "template":
                token = self._template(pos)
            elif kind == "punct" and match.group() == "/" and _regex_may_follow(tokens):
                regex = _REGEX.match(text, pos)
                token = Token("regex", regex.group(), pos, regex.end()) if regex else Token("punct", "/", pos, end)
            else:
                value = match.group()
                if value == "{":
                    depth += 1
                elif value == "}":
                    if nested and depth == 0:
                        return tokens, pos
                    depth -= 1
                token = Token(kind, value, pos, end)
            tokens.append(token)
            pos = token.end
        return tokens, size

    def _template(self, start: int) -> Token:
        text, size = self.text, len(self.text)
        pos, fields = start + 1, []
        while pos < size:
            char = text[pos]
            if char == "\\":
                pos += 2
            elif char == "`":
                return Token("template", text[start : pos + 1], start, pos + 1, tuple(fields))
            elif char == "$" and text.startswith("{", pos + 1):
                _, close = self.run(pos + 2, nested=True)
                fields.append(text[pos + 2 : close])
                pos = close + 1
            else:
                pos += 1
        return Token("template", text[start:], start, size, tuple(fields))


def _regex_may_follow(tokens: list[Token]) -> bool:
    if not tokens:
        return True
    last = tokens[-1]
    if last.kind == "name":
        return last.value in _REGEX_AFTER_NAMES
    if last.kind == "punct":
        # `</div>` in JSX is a closing tag, not a regular expression.
        return last.value not in (")", "]", "}", "<")
    return False
