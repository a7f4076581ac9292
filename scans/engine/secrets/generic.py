"""The generic detector: a random-looking value assigned to a secret-like name, in any common syntax.

It covers what no provider rule can: an in-house API key, a database password, a signing secret.
Such detectors are known for noise (a commit hash in `api_version`, an i18n string under
`password_hint`, `secretKeyRef` in a manifest), so it is strict about the name, whole name parts,
not substrings (`max_tokens` and `keyboard` are not secrets), and strict about the value, through
the shared allow-list and the structural refusals of `generic_refusal`.

Cost: which name words a file holds is asked of its bytes (one Hyperscan pass, or ASCII-lowered
substring checks), so a file with none is never decoded; otherwise only the lines holding a word
run the one assignment regex.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from scans.engine.findings import Confidence, Severity
from scans.engine.secrets.allowlist import generic_refusal
from scans.engine.secrets.matcher import ScratchPool
from scans.engine.secrets.rules import shannon_entropy

try:
    import hyperscan
except ImportError:  # The keyword path below finds the same words, only slower.
    hyperscan = None


@dataclass(frozen=True, slots=True)
class GenericRule:
    """What a generic finding reports, shaped like a rule's metadata so findings are built alike."""

    id: str
    name: str
    description: str
    remediation: str
    severity: Severity


_REMEDIATION = (
    "Treat the value as leaked: rotate it where it was issued, remove it from the code and its history, "
    "and load it from the environment or a secret store."
)
SECRET_ASSIGNMENT = GenericRule(
    id="generic.secret-assignment",
    name="Hard-coded secret",
    description="A random-looking value is assigned to a name such as api_key, token or client_secret.",
    remediation=_REMEDIATION,
    severity=Severity.HIGH,
)
PASSWORD_ASSIGNMENT = GenericRule(
    id="generic.password-assignment",
    name="Hard-coded password",
    description="A literal value is assigned to a name such as password, passwd or pwd.",
    remediation=_REMEDIATION,
    severity=Severity.HIGH,
)
GENERIC_RULES = (SECRET_ASSIGNMENT, PASSWORD_ASSIGNMENT)


@dataclass(frozen=True, slots=True)
class GenericCandidate:
    rule: GenericRule
    value: str
    start: int
    end: int
    confidence: Confidence


# Every secret-like name holds one of these; text without any is done after a few substring checks.
NAME_WORDS = ("key", "secret", "token", "pass", "pwd", "auth", "credential", "creds", "bearer")

_PASSWORD_PARTS = frozenset({"password", "passwd", "passphrase", "pwd", "pass", "passwort", "contrasena"})
_SECRET_PARTS = frozenset(
    {
        "secret", "token", "apikey", "apitoken", "accesskey", "accesstoken", "secretkey", "privatekey", "authtoken",
        "authkey", "clientsecret", "credential", "credentials", "creds", "bearer", "authorization", "auth",
        "masterkey", "signingkey", "encryptionkey", "refreshtoken", "sessiontoken", "webhooksecret", "xapikey",
    }
)  # fmt: skip
# `key` alone names a dictionary key as often as a credential; these make it a credential.
_KEY_QUALIFIERS = frozenset(
    {
        "api", "secret", "private", "access", "auth", "client", "signing", "sign", "encryption", "encrypt",
        "decryption", "master", "license", "licence", "consumer", "account", "app", "admin", "write", "subscription",
        "shared", "hmac", "jwt", "session", "root", "deploy", "ingest", "integration", "server", "storage",
        "crypto", "cipher", "aes", "service", "live", "prod", "production", "rest", "management", "personal",
        "webhook", "sdk", "user",
    }
)  # fmt: skip
# A name part that makes the value public, a count or a pointer, never a credential.
_NOT_SECRET_PARTS = frozenset(
    {
        "public", "publishable", "pub", "csrf", "xsrf", "authenticity", "max", "min", "num", "count", "page",
        "next", "continuation", "cursor", "pagination", "placeholder", "tokens", "keys", "tokenizer",
    }
)  # fmt: skip
# The last part decides what the name holds: `api_key_id`, `secret_name`, `token_url` hold no secret.
_NOT_SECRET_LAST = frozenset(
    {
        "id", "ids", "name", "names", "version", "file", "filename", "path", "dir", "url", "uri", "endpoint", "host",
        "type", "count", "length", "len", "size", "limit", "prefix", "suffix", "field", "fields", "header", "param",
        "env", "var", "hint", "label", "format", "pattern", "regex", "hash", "digest", "checksum", "sha",
        "algorithm", "alg", "arn", "ttl", "timeout", "expiry", "expires", "expiration", "index", "mode", "kind",
        "policy", "location", "scope", "scopes", "usage", "class", "style", "text", "message", "msg", "error",
        "title", "description", "help", "input", "column", "attribute", "attr", "method", "provider", "strategy",
        "template", "event", "handler", "callback", "enabled", "required", "reset", "changed", "rotation",
        "lifetime", "duration", "encoding", "source", "ref", "store", "manager", "position", "offset", "separator",
        "delimiter", "rule", "rules", "list", "map", "dict", "set", "cache", "fn", "func", "function", "flag",
        "flags", "option", "options", "factory", "builder", "parser", "validator", "level", "status", "state",
        "result", "response", "request", "key_id", "lookup", "refs", "selector", "generator", "min", "max", "regexp",
        "confirm", "confirmation", "strength", "reminder", "question",
    }
)  # fmt: skip

_NAME_PART = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
# One regex for every line family: a name (optionally quoted or indexed), an assignment operator of
# Python/JS/Go/Ruby/PHP/Java/YAML/INI/TOML/HCL/.env/JSON, then a quoted or a bare value. The scheme of
# an Authorization header is skipped so the token after it is the value. The name is possessive, so
# a line costs one pass instead of a retry at every shorter name.
_ASSIGNMENT = re.compile(
    r"""
    (?<![\w.-])(?P<name>[A-Za-z_][\w.-]{0,80}+)
    (?:["']?\])?["']?
    [ \t]{0,4}(?:=>|:=|\|\|=|\?\?=|=(?!=)|:(?![:/]))[ \t]{0,4}
    (?:(?i:bearer|basic|token)[ \t]+)?
    (?:
        [rbuf]{0,2}"(?P<dq>[^"\n]{1,300})"
      | [rbuf]{0,2}'(?P<sq>[^'\n]{1,300})'
      | (?P<bare>[^\s"'`,;&|<>(){}\[\]]{1,300})
    )
    """,
    re.VERBOSE,
)
_SCHEME = re.compile(r"(?i)^(?:bearer|basic|token)[ \t]+")
# Extensions whose bare (unquoted) right-hand sides are code: a variable or an expression, not a literal.
_CODE_SUFFIXES = (
    ".py", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".go", ".java", ".kt", ".kts", ".scala", ".rb", ".php",
    ".cs", ".rs", ".swift", ".c", ".h", ".cc", ".cpp", ".hpp", ".m", ".dart", ".lua", ".pl", ".groovy", ".tf",
    ".hcl", ".vue", ".svelte",
)  # fmt: skip
# Test fixtures hold fake credentials more often than real ones, but real ones get pasted there too: a
# lower confidence lets a policy skip them without hiding them.
_TEST_PATH = re.compile(
    r"(?i)(?:^|/)(?:tests?|__tests__|spec|specs|fixtures?|testdata|test_data|mocks?)/|_test\.go$|(?:^|/)test_[^/]*\.py$"
    r"|_test\.py$|\.(?:test|spec)\.[jt]sx?$"
)
_ENTROPY_FLOOR = {"secret": 3.3, "hex": 3.0, "password": 2.5}
_HEX = re.compile(r"^[0-9a-fA-F]+$")


@lru_cache(maxsize=4096)
def name_kind(name: str) -> str | None:
    """ "password", "secret" or None, from the whole parts of a variable, key or header name."""
    parts = [part.lower() for part in _NAME_PART.findall(name)]
    if not parts or parts[-1] in _NOT_SECRET_LAST or not _NOT_SECRET_PARTS.isdisjoint(parts):
        return None
    if not _PASSWORD_PARTS.isdisjoint(parts):
        return "password"
    if not _SECRET_PARTS.isdisjoint(parts):
        return "secret"
    for before, part in zip(parts, parts[1:], strict=False):
        if part == "key" and before in _KEY_QUALIFIERS:
            return "secret"
    return None


class NameWords:
    """Which of the name words a file's bytes hold, ignoring ASCII case, by either engine alike."""

    def __init__(self, *, engine: str) -> None:
        self._database = None
        if engine == "hyperscan" and hyperscan is not None:
            flags = hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_SINGLEMATCH
            self._database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            self._database.compile(
                expressions=[word.encode() for word in NAME_WORDS],
                ids=list(range(len(NAME_WORDS))),
                elements=len(NAME_WORDS),
                flags=[flags] * len(NAME_WORDS),
            )
            self._scratch = ScratchPool(self._database)

    def present(self, data: bytes) -> list[str]:
        if self._database is None:
            lowered = data.lower()
            return [word for word in NAME_WORDS if word.encode() in lowered]
        found: set[int] = set()

        def on_match(word: int, start: int, end: int, flags: int, context: object) -> None:
            found.add(word)

        with self._scratch.lent() as scratch:
            self._database.scan(data, match_event_handler=on_match, scratch=scratch)
        return [NAME_WORDS[index] for index in sorted(found)]


def find_generic(path: str, text: str, lowered: str, words: list[str]) -> Iterator[GenericCandidate]:
    """Secret and password assignments in `text`, given `text.lower()` and the name words it holds."""
    code = path.lower().endswith(_CODE_SUFFIXES)
    confidence = Confidence.LOW if _TEST_PATH.search(path) else Confidence.MEDIUM
    for start, end in _lines_holding(lowered, words):
        line = text[start:end]
        for match in _ASSIGNMENT.finditer(text, start, end):
            candidate = _judge(match, line, code=code, confidence=confidence)
            if candidate is not None:
                yield candidate


def _lines_holding(lowered: str, words: list[str]) -> list[tuple[int, int]]:
    spans: set[tuple[int, int]] = set()
    for word in words:
        position = lowered.find(word)
        while position != -1:
            start = lowered.rfind("\n", 0, position) + 1
            end = lowered.find("\n", position)
            end = len(lowered) if end == -1 else end
            spans.add((start, end))
            position = lowered.find(word, end)
    return sorted(spans)


def _judge(match: re.Match[str], line: str, *, code: bool, confidence: Confidence) -> GenericCandidate | None:
    kind = name_kind(match.group("name"))
    if kind is None:
        return None
    group = next(g for g in ("dq", "sq", "bare") if match.group(g) is not None)
    value, start = match.group(group), match.start(group)
    if group == "bare":
        following = match.string[match.end(group) : match.end(group) + 1]
        # In code a bare right-hand side is a variable or a call; `password = get_password()` holds nothing.
        if code or following in ("(", "["):
            return None
    scheme = _SCHEME.match(value)
    if scheme:
        value, start = value[scheme.end() :], start + scheme.end()
    password = kind == "password"
    if generic_refusal(value, line=line, password=password) is not None:
        return None
    floor = _ENTROPY_FLOOR["password" if password else "hex" if _HEX.match(value) else "secret"]
    if shannon_entropy(value) < floor:
        return None
    rule = PASSWORD_ASSIGNMENT if password else SECRET_ASSIGNMENT
    return GenericCandidate(rule, value, start, start + len(value), confidence)
