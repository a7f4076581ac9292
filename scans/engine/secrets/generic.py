"""The generic detector: a random-looking value assigned to a secret-like name, in any common syntax.

It covers what no provider rule can: an in-house API key, a database password, a signing secret.
Such detectors are known for noise (a commit hash in `api_version`, an i18n string under
`password_hint`, `secretKeyRef` in a manifest), so it is strict about the name, whole name parts,
not substrings (`max_tokens` and `keyboard` are not secrets), and strict about the value, through
the shared allow-list and the structural refusals of `generic_refusal`.

Cost: which name words a file holds is asked of its bytes (one Hyperscan pass, or ASCII-lowered
substring checks), so a file with none is never decoded; otherwise only the lines holding a word
run the assignment regex, and the other syntaxes (XML, name/value pairs, flags) only where the line
holds their trigger.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from scans.engine.findings import Confidence, Severity
from scans.engine.secrets.allowlist import generic_refusal
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
# A provider's name before `key` makes it that provider's credential (`stripe_key`, `sendgridKey`).
_VENDORS = frozenset(
    {
        "aws", "azure", "gcp", "google", "firebase", "stripe", "square", "paypal", "braintree", "plaid", "adyen",
        "razorpay", "sendgrid", "mailgun", "mailchimp", "mandrill", "postmark", "sparkpost", "mailjet", "brevo",
        "twilio", "vonage", "nexmo", "plivo", "telnyx", "slack", "discord", "telegram", "github", "gitlab",
        "bitbucket", "atlassian", "jira", "confluence", "okta", "auth0", "heroku", "datadog", "dd", "newrelic",
        "sentry", "pagerduty", "honeycomb", "rollbar", "bugsnag", "splunk", "sumologic", "grafana", "dynatrace",
        "algolia", "pusher", "mapbox", "cloudflare", "digitalocean", "linode", "vultr", "netlify", "vercel",
        "shopify", "hubspot", "salesforce", "zendesk", "intercom", "segment", "mixpanel", "amplitude", "contentful",
        "airtable", "notion", "asana", "trello", "linear", "figma", "dropbox", "openai", "anthropic", "cohere",
        "mistral", "groq", "replicate", "huggingface", "hf", "pinecone", "supabase", "databricks", "doppler",
        "vault", "terraform", "pulumi", "circleci", "travis", "jenkins", "sonar", "codecov", "snyk", "npm", "pypi",
        "docker", "dockerhub", "facebook", "fb", "twitter", "linkedin", "twitch", "youtube", "maps", "recaptcha",
        "weather", "openweather", "etherscan", "infura", "alchemy", "coinbase", "binance", "elastic", "meilisearch",
    }
)  # fmt: skip
_PAT_QUALIFIERS = frozenset({"ado", "devops", "gh", "git", "personal", "access", "my", "ci", "user", "bot"})
# A part that ends like a secret-like name is one, written without separators (`PGPASSWORD`, `githubtoken`).
_PASSWORD_ENDINGS = ("password", "passwd", "passphrase")
_SECRET_ENDINGS = ("secret", "token", "apikey", "authkey")
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
    [ \t]{0,24}(?:=>|:=|\|\|=|\?\?=|=(?!=)|:(?![:/]))[ \t]{0,24}
    (?:(?i:bearer|basic|token)[ \t]+)?
    (?:
        [rbuf]{0,2}"(?P<dq>[^"\n]{1,300})"
      | [rbuf]{0,2}'(?P<sq>[^'\n]{1,300})'
      | (?P<bare>[^\s"'`,;&|<>(){}\[\]]{1,300})
    )
    """,
    re.VERBOSE,
)
# Where a syntax is looked for: within the line, from the line on into the next ones, or as the whole line.
_WITHIN, _BEYOND, _WHOLE = "within", "beyond", "whole"
_QUOTED_OR_BARE = r"""(?:"(?P<dq>[^"\n]{1,300})"|'(?P<sq>[^'\n]{1,300})'|(?P<bare>[^\s"'`,;&|<>(){}\[\]]{1,300}))"""
# The syntaxes where the name is not just left of an operator, each run only on lines holding its
# trigger: XML elements and `key`/`value` attributes, the `name`/`value` pairs of Kubernetes and
# ECS environments and a Terraform variable's default (these two may span lines), command-line flags
# (`--token x`, PowerShell's `-Password x`, Java's `-Ddb.password=x`), Dockerfile `ENV NAME value`,
# `setx`/fish `set -x`, and Gradle's or Ruby's `password 'value'` alone on its line.
_SYNTAXES: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (trigger, reach, re.compile(pattern, re.VERBOSE))
    for trigger, reach, pattern in (
        (
            "</",
            _WITHIN,
            r"""<[\w:.-]{1,40}[ \t][^<>\n]{0,100}?\b(?:key|name)[ \t]*=[ \t]*"(?P<name>[^"\n]{1,80})"[ \t]*>
            (?P<text>[^<>\s]{1,300})</""",
        ),
        (
            "</",
            _WITHIN,
            r"<(?P<name>[A-Za-z_][\w.:-]{0,80}+)(?:[ \t][^<>\n]{0,200})?>(?P<text>[^<>\s]{1,300})</(?P=name)[ \t]*>",
        ),
        (
            "value=",
            _WITHIN,
            r"""<[\w:.-]{1,40}[ \t][^<>\n]{0,100}?\b(?:key|name)[ \t]*=[ \t]*"(?P<name>[^"\n]{1,80})"
            [^<>\n]{0,100}?\bvalue[ \t]*=[ \t]*"(?P<dq>[^"\n]{1,300})"
            """,
        ),
        (
            "name",
            _BEYOND,
            r"""name["']?[ \t]*:[ \t]*["']?(?P<name>[\w.-]{1,80})["']?[ \t]*(?:,[ \t]*|\r?\n[ \t]*)
            ["']?value["']?[ \t]*:[ \t]*"""
            + _QUOTED_OR_BARE,
        ),
        (
            "variable",
            _BEYOND,
            r"""\bvariable[ \t]+"(?P<name>[\w-]{1,80})"[ \t]*\{
            [^{}]{0,300}?\bdefault[ \t]*=[ \t]*"(?P<dq>[^"\n]{1,300})"
            """,
        ),
        # Starting with the literal dash (no look-behind) lets the regex engine skip to the dashes.
        ("-", _WITHIN, r"--?(?P<name>[A-Za-z][\w.-]{1,60}+)(?:=|[ \t]+)(?!-)" + _QUOTED_OR_BARE),
        (
            "",
            _WHOLE,
            r"""[ \t]*(?:ENV|setx|set[ \t]+-[gxU]{1,3})[ \t]+(?P<name>[A-Za-z_]\w{0,80}+)[ \t]+"""
            + _QUOTED_OR_BARE
            + r"[ \t\r]*",
        ),
        (
            "",
            _WHOLE,
            r"""[ \t]*(?P<name>[A-Za-z_]\w{0,80}+)[ \t]+(?:"(?P<dq>[^"\n]{1,300})"|'(?P<sq>[^'\n]{1,300})')[ \t\r]*""",
        ),
    )
)
_FLAG_GLUE = re.compile(r"[\w-]")
# How far past its line a pair that spans lines may run.
_PAIR_REACH = 400
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
# An environment variable or a constant that ends in a password (`DB_PASSWORD`, `REACT_APP_AUTH_PASS`):
# it holds the value itself, never a label or a setting about passwords (`PASSWORD_BACKEND`).
_SETTING_PASSWORD = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_(?:PASSWORD|PASSWD|PASS|PWD|PASSPHRASE)$")


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
        if part == "key" and (before in _KEY_QUALIFIERS or before in _VENDORS):
            return "secret"
        # A personal access token (`ADO_PAT`, `GITHUB_PAT`); `pat` alone is as often a pattern.
        if part == "pat" and (before in _PAT_QUALIFIERS or before in _VENDORS):
            return "secret"
    for part in parts:
        for endings, kind in ((_PASSWORD_ENDINGS, "password"), (_SECRET_ENDINGS, "secret")):
            ending = next((e for e in endings if part.endswith(e)), None)
            if ending is not None and part[: -len(ending)] not in _NOT_SECRET_PARTS:
                return kind
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
            self._scratch = hyperscan.Scratch(self._database)

    def present(self, data: bytes) -> list[str]:
        if self._database is None:
            lowered = data.lower()
            return [word for word in NAME_WORDS if word.encode() in lowered]
        found: set[int] = set()

        def on_match(word: int, start: int, end: int, flags: int, context: object) -> None:
            found.add(word)

        self._database.scan(data, match_event_handler=on_match, scratch=self._scratch)
        return [NAME_WORDS[index] for index in sorted(found)]


def find_generic(path: str, text: str, lowered: str, words: list[str]) -> Iterator[GenericCandidate]:
    """Secret and password assignments in `text`, given `text.lower()` and the name words it holds."""
    code = path.lower().endswith(_CODE_SUFFIXES)
    confidence = Confidence.LOW if _TEST_PATH.search(path) else Confidence.MEDIUM
    seen: set[int] = set()
    for start, end in _lines_holding(lowered, words):
        line = text[start:end]
        for kind, match in _secret_named(text, start, end, lowered):
            candidate = _judge(kind, match, line, code=code, confidence=confidence)
            if candidate is not None and candidate.start not in seen:
                seen.add(candidate.start)
                yield candidate


def _secret_named(text: str, start: int, end: int, lowered: str) -> Iterator[tuple[str, re.Match[str]]]:
    """The assignments to a secret-like name on the line `text[start:end]`, in each syntax it may hold.

    Every pattern ends with the value's group, so `match.lastgroup` names it.
    """
    position = start
    while (match := _ASSIGNMENT.search(text, position, end)) is not None:
        position = match.end()
        kind = name_kind(match.group("name"))
        if kind is not None:
            yield kind, match
        elif any(word in lowered[match.end("name") : position] for word in NAME_WORDS):
            # A name that is no secret may sit just before one (`$env:API_TOKEN = …`): look again after it.
            position = match.end("name")
    line = lowered[start:end]
    for trigger, reach, syntax in _SYNTAXES:
        if trigger not in line:
            continue
        if reach == _WHOLE:
            matches: Iterable[re.Match[str]] = filter(None, [syntax.fullmatch(text, start, end)])
        else:
            matches = syntax.finditer(text, start, min(len(text), end + _PAIR_REACH) if reach == _BEYOND else end)
        for match in matches:
            if match.start() >= end:
                break
            if match.group().startswith("-") and match.start() > start and _FLAG_GLUE.match(text, match.start() - 1):
                continue  # `x-token y` or `a--b`: a word's dash, not a flag
            kind = name_kind(match.group("name"))
            if kind is not None:
                yield kind, match


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


def _judge(
    kind: str, match: re.Match[str], line: str, *, code: bool, confidence: Confidence
) -> GenericCandidate | None:
    group = match.lastgroup or ""
    value, start = match.group(group), match.start(group)
    if group == "bare":
        following = match.string[match.end(group) : match.end(group) + 1]
        # In code a bare right-hand side is a variable or a call; `password = get_password()` holds nothing.
        # A URL's query (`?api_key=…&`) is a literal even in code.
        query = match.string[match.start("name") - 1 : match.start("name")] in ("?", "&")
        if (code and not query) or following in ("(", "["):
            return None
    scheme = _SCHEME.match(value)
    if scheme:
        value, start = value[scheme.end() :], start + scheme.end()
    password = kind == "password"
    setting = _SETTING_PASSWORD.match(match.group("name")) is not None
    if generic_refusal(value, line=line, password=password, setting=setting) is not None:
        return None
    floor = _ENTROPY_FLOOR["password" if password else "hex" if _HEX.match(value) else "secret"]
    if shannon_entropy(value) < floor:
        return None
    rule = PASSWORD_ASSIGNMENT if password else SECRET_ASSIGNMENT
    return GenericCandidate(rule, value, start, start + len(value), confidence)
