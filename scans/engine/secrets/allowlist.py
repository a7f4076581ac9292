"""Values that look like secrets but are not: placeholders, references, documentation keys, hashes.

`is_allowed` is shared by every rule and by the generic detector, so a documented example key or
`${TOKEN}` is never reported by any of them. `generic_refusal` holds the judgments only a value
without a known format needs: a UUID or a hex digest is a fine Heroku key or GitHub secret when a
rule recognised its format, but assigned to a bare `token =` it is far more often an id or a hash.
"""

import re

# Keys that providers print in their own documentation; they are public on purpose.
DOCUMENTATION_VALUES = frozenset(
    {
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
        "AKIAI44QH8DHBEXAMPLE",
    }
)
# What people type where the real value would go, even after a real prefix (`sk_live_000000000000`,
# `ghp_abcdef0123…`): a run of one character to the end, or a keyboard or counting run. Random
# tokens hold a six-character run like these about once in tens of millions.
_MADE_UP = re.compile(r"(?i)(.)\1{7,}$|abcdef|bcdefg|012345|123456|234567|qwerty|asdfgh|zxcvbn")
_PLACEHOLDER = re.compile(
    r"""(?ix)
    ^(?:
        .*(?:example|sample|dummy|fake|placeholder|changeme|change_me|redacted|your[_-]?(?:api[_-]?)?(?:key|token|secret)).*
      | .*(?:replace|insert|enter|paste|fill)[_-]?(?:me|your|with|here|in)(?![a-z]).*  # REPLACE_ME, insert_your_token
      | .*[_-]here
      | null|none|nil|undefined|true|false
      | .*(?:x{4,}|\*{4,}|\.{3,}|…).*
      | <[^<>]+>
      | &lt;.+?&gt;  # the same placeholder, written in HTML
      | \$\{?[a-z_][a-z0-9_]*\}?
      | .*\$\{\{?[^}]*\}\}?.*
      | \{\{.*\}\}
      | %\(?[a-z_]+\)?s
      | %[a-z_]+%
      | __[a-z0-9_]+__          # substituted at build time
      | @[a-z_][a-z0-9_.-]*@    # Maven, Gradle and autoconf filtering
      | \{[a-z_][a-z0-9_.]*\}  # str.format, .NET and Serilog templates
      | \$\(.*\)               # command substitution, Azure Pipelines and Make variables
      | `[^`]*`
      | (?:vault|ref|secret|env|op|awssm|gcpsm|azkv|sops|enc)\+?:.*
    )$
    """
)
# What a configuration value points at instead of holding: an environment variable, a setting, a
# Terraform or CloudFormation reference, a templating expression.
_REFERENCE = re.compile(
    r"""(?x)
    ^(?:
        (?:os\.environ|os\.getenv|getenv|environ|process\.env|import\.meta\.env|env|ENV|System\.getenv|settings|config
          |configuration|conf|cfg|secrets|vars|var|local|locals|data|module|each|self|this|props|params|context
          |ctx|request|req|args|opts|options|Deno\.env|Config|Settings|app\.config)[.\[(].*
      | !(?:Ref|Sub|GetAtt|ImportValue|FindInMap|Join|Select)\b.*
      | ENC\(.*\)
      | \#\{.*\}
    )$
    """
)


def is_allowed(value: str) -> bool:
    """True for values no rule should report, whatever its pattern says."""
    if value in DOCUMENTATION_VALUES or len(set(value)) <= 2:
        return True
    return bool(_PLACEHOLDER.match(value) or _REFERENCE.match(value) or _MADE_UP.search(value))


# Hex digests by length: MD5, SHA-1, SHA-256, SHA-512 (and SHA-224/384).
_DIGEST_LENGTHS = frozenset({32, 40, 56, 64, 96, 128})
_HEX = re.compile(r"^[0-9a-fA-F]+$")
_HASH_CONTEXT = re.compile(r"(?i)hash|digest|checksum|integrity|sha|md5|commit|revision|\brev\b|etag|fingerprint")
_HASH_FORMATS = re.compile(
    r"""(?x)
    ^(?:
        (?:sha(?:1|224|256|384|512)|md5)[-:=][A-Za-z0-9+/=_-]{16,}      # SRI integrity, docker digests
      | \$(?:2[abxy]?|5|6|argon2(?:id|i|d)|pbkdf2(?:-sha\d+)?|scrypt|y|gy|7)\$.*   # crypt(3), bcrypt, argon2
      | (?:pbkdf2_sha\d+|bcrypt_sha256|argon2)\$.*                        # Django password hashes
      | \{(?:SSHA|SHA|SSHA256|SSHA512|CRYPT|MD5|SMD5|PBKDF2)\}.*          # LDAP userPassword
    )$
    """
)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_VERSION = re.compile(r"^[v^~=<>]{0,2}\d+(?:\.\d+){1,3}(?:[-+.][0-9A-Za-z.-]{1,40})?$")
_NUMBER = re.compile(r"^[-+]?[0-9][0-9_.,:eE+-]*$")
_URL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]{1,20}://|arn:|urn:|mailto:)")
# Shell or template interpolation anywhere in the value: `'$DB_PASSWORD'`, `pre-${STAGE}`, `$(cat key)`.
_INTERPOLATION = re.compile(r"\$[A-Za-z_({]|%\{|#\{|\{\{")
# Alternating letters and digits (`a1b2c3d4…`) are typed for a generic value; a rule's own example
# in a known format may well be written that way, so only the generic detector refuses them.
_ALTERNATING = re.compile(r"(?i)a1b2c3")
_PATH = re.compile(r"^(?:/|\./|\.\./|~/|[A-Za-z]:\\|\\\\|file:)")
_FILE_SUFFIX = re.compile(
    r"(?i)\.(?:pem|key|crt|cer|der|p12|pfx|jks|keystore|pub|asc|gpg|json|ya?ml|toml|ini|cfg|conf|env|txt|xml|keytab|"
    r"properties|sh|py|js|ts|go|rb|php|java|html?|css|png|jpe?g|svg|gif|ico|tgz|gz|zip|tar|lock|log|md)$"
)
# An identifier or the name of a variable: `NEXUS-GPT4-API-KEY`, `inf-vsqt-01-secret-id`, `ultraPictureBox1`.
# Each part is a word with at most a number after it, which random tokens (`mF_9.B5f-4.1JqM`) never keep up.
_WORD_PART = r"(?:(?:[A-Z]?[a-z]+|[A-Z]+)[0-9]*|[0-9]+)"
_IDENTIFIER = re.compile(
    rf"^(?:{_WORD_PART}(?:[_.:*-]{_WORD_PART})+|[A-Z]?[a-z]{{2,}}(?:[A-Z][a-z]{{2,}})+[0-9]{{0,2}})$"
)
_WORDS = frozenset(
    {
        "password", "passwd", "passphrase", "secret", "secrets", "token", "apikey", "api_key", "key", "true",
        "false", "yes", "no", "on", "off", "none", "null", "nil", "undefined", "empty", "default", "changeit",
        "changeme", "admin", "administrator", "root", "test", "testing", "guest", "user", "username", "string",
        "str", "required", "optional", "value", "unset", "notset", "not-set", "todo", "fixme", "tbd", "secret_key",
        "private_key", "access_token",
    }
)  # fmt: skip
_DATA_URI = re.compile(r"^data:[\w/+.-]+;base64,", re.IGNORECASE)


def _classes(value: str) -> int:
    return (
        any(c.islower() for c in value)
        + any(c.isupper() for c in value)
        + any(c.isdigit() for c in value)
        + any(not c.isalnum() for c in value)
    )


def generic_refusal(value: str, *, line: str, password: bool) -> str | None:
    """Why a value assigned to a secret-like name is not a secret by its shape, or None.

    `line` gives the context a bare hex string needs (a `sha256` or `integrity` nearby makes it a
    digest); `password` lowers the length asked for, since people choose their passwords. How random
    the value must be is the generic detector's call, made after these.
    """
    lowered = value.lower()
    if len(value) < 8 or (not password and len(value) < 10):
        return "too short"
    if len(value) > 256:
        return "too long for a credential (a blob, a certificate, an image)"
    if is_allowed(value):
        return "placeholder, reference or documentation key"
    if any(c.isspace() for c in value):
        return "text with spaces"
    if not value.isprintable():
        return "binary or control characters"
    if password and value.isalpha():
        # A lone word (`Incorrect`, `Passwort`) under a password name is a label or a message far more often.
        return "a word"
    if lowered in _WORDS or lowered.strip("_-.") in _WORDS:
        return "a word"
    if _INTERPOLATION.search(value) or _ALTERNATING.search(value):
        return "interpolated or made up"
    if _HASH_FORMATS.match(value):
        return "a hash (SRI, digest or password hash)"
    if _HEX.match(value) and len(value) in _DIGEST_LENGTHS and _HASH_CONTEXT.search(line):
        return "a hex digest in a hash context"
    if _UUID.match(value):
        return "a UUID"
    if _VERSION.match(value) or _NUMBER.match(value):
        return "a version or a number"
    if _URL.match(value) or _PATH.match(value) or _FILE_SUFFIX.search(value) or _DATA_URI.match(value):
        return "a URL, a path or a file name"
    # A chosen password may be words joined by dashes, but with a number in it (`Winter-Lake-42`).
    if _IDENTIFIER.match(value) and (not password or not any(c.isdigit() for c in value)):
        return "an identifier or a variable name"
    if _classes(value) < 2:
        return "a single character class (a word or a number)"
    return None
