"""Structure checks: each accepts its format's real shape and refuses near misses."""

import base64
import json
import zlib

import pytest

from scans.engine.findings import Confidence
from scans.engine.secrets import SecretScanner, load_rules
from scans.engine.secrets.validators import (
    _BASE62,
    aws_key_id,
    basic_credentials,
    bech32,
    github_checksum,
    jwt_structure,
    luhn,
    pem_private_key_base64,
    pypi_macaroon,
)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _github_token(prefix: str, body: str) -> str:
    # Written out independently of the validator: CRC32 of the body, six base62 digits, zero-padded.
    number, digits = zlib.crc32(body.encode()), ""
    while number:
        number, remainder = divmod(number, 62)
        digits = _BASE62[remainder] + digits
    return f"{prefix}_{body}{digits.rjust(6, '0')}"


def _flip(token: str, index: int = -1) -> str:
    chars = list(token)
    chars[index] = "A" if chars[index] != "A" else "B"
    return "".join(chars)


@pytest.mark.parametrize("prefix", ["ghp", "gho", "ghu", "ghs", "npm"])
def test_github_checksum_accepts_a_token_whose_suffix_is_the_crc32_of_its_body(prefix):
    token = _github_token(prefix, "Ky9Pf34qY6Nb3wWD25RQ4F5ZR3qa7y")
    assert github_checksum(token)
    assert not github_checksum(_flip(token))
    assert not github_checksum(_flip(token, index=6))


def test_github_checksum_refuses_a_token_too_short_to_carry_one():
    assert not github_checksum("ghp_abc")
    assert not github_checksum("ghp")


def _jwt(header: object, payload: object) -> str:
    parts = [_b64url(json.dumps(part).encode()) for part in (header, payload)]
    return ".".join([*parts, _b64url(b"s" * 32)])


def test_jwt_needs_a_json_header_naming_an_algorithm_and_a_json_payload():
    assert jwt_structure(_jwt({"alg": "HS256", "typ": "JWT"}, {"sub": "42"}))
    assert not jwt_structure(_jwt({"typ": "JWT"}, {"sub": "42"}))
    assert not jwt_structure(_jwt({"alg": "HS256"}, ["not", "an", "object"]))
    assert not jwt_structure(_jwt({"alg": "HS256"}, {"sub": "42"}).rsplit(".", 1)[0])
    assert not jwt_structure("eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl")


def _macaroon(location: bytes) -> str:
    return "pypi-" + _b64url(b"\x02\x01" + bytes([len(location)]) + location + b"\x00\x02\x06" + b"k" * 40)


def test_pypi_macaroon_names_pypi_as_its_location():
    assert pypi_macaroon(_macaroon(b"pypi.org"))
    assert pypi_macaroon(_macaroon(b"test.pypi.org"))
    assert not pypi_macaroon(_macaroon(b"evil.example"))
    assert not pypi_macaroon("pypi-@@not*base64@@")


def test_aws_key_id_needs_a_known_prefix_and_base32_characters():
    assert aws_key_id("AKIA52YOYCC44SCDUJ5V")
    assert aws_key_id("ASIAQUM6ZDI7HOLJHGQQ")
    assert not aws_key_id("AKIA52YOYCC44SCDUJ50")  # 0 is outside AWS's alphabet
    assert not aws_key_id("AKIA52YOYCC44SCDUJ5")
    assert not aws_key_id("AXYZ52YOYCC44SCDUJ5V")


def test_luhn_checks_the_mod_10_digit_and_ignores_separators():
    assert luhn("4111111111111111")
    assert luhn("4111 1111 1111 1111")
    assert not luhn("4111111111111112")
    assert not luhn("7")


def test_bech32_accepts_the_bip173_vectors_and_an_age_identity():
    assert bech32("A12UEL5L")
    assert bech32("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw")
    key = "AGE-SECRET-KEY-1UL0YLRYFHTX4ZKWJ86TCPALY9D5VMCQ453DDTG2AZG38SKKNVQYDCSMEJ7"
    assert bech32(key)
    assert not bech32(key[:-1] + ("Q" if key[-1] != "Q" else "P"))
    assert not bech32("AGE-SECRET-KEY-1")
    assert not bech32("no separator here")


def test_pem_private_key_base64_decodes_to_a_private_key_and_not_a_certificate():
    key = base64.b64encode(b"-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVW\n-----END EC PRIVATE KEY-----\n").decode()
    cert = base64.b64encode(b"-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIB\n-----END CERTIFICATE-----\n").decode()
    assert pem_private_key_base64(key)
    assert pem_private_key_base64(key.rstrip("="))  # a line cut mid-value still decodes
    assert not pem_private_key_base64(cert)
    assert not pem_private_key_base64("LS0tLS1CRUdJTi!!")


def test_basic_credentials_need_a_user_a_colon_and_a_password():
    assert basic_credentials(base64.b64encode(b"deploy:rVMqoxfBYEywPBvChd").decode())
    assert not basic_credentials(base64.b64encode(b"usernameonly").decode())
    assert not basic_credentials(base64.b64encode(b"deploy:").decode())
    assert not basic_credentials(base64.b64encode(b"\x00\xff:\x01").decode())
    assert not basic_credentials("$CREDENTIALS")


@pytest.fixture(scope="module")
def scanner():
    return SecretScanner(load_rules(), engine="re")


def test_a_github_token_whose_checksum_fails_is_still_reported_at_low_confidence(scanner):
    good = _github_token("ghp", "Ky9Pf34qY6Nb3wWD25RQ4F5ZR3qa7y")
    [valid] = scanner.scan(".env", f"GITHUB_TOKEN={good}\n")
    [broken] = scanner.scan(".env", f"GITHUB_TOKEN={_flip(good)}\n")
    assert (valid.rule_id, valid.confidence) == ("github.pat-classic", Confidence.HIGH)
    assert (broken.rule_id, broken.confidence) == ("github.pat-classic", Confidence.LOW)


def test_a_jwt_shaped_value_that_does_not_decode_is_not_reported(scanner):
    fake = "eyJub3RhIjoiand0In0.eyJzdWIiOiI0ODIxIiwibmFtZSI6Im9wcy1ib3QifQ.7QzFzoMDXmO3JKZaG3AvFTxtJfE0zqW0"
    real = _jwt({"alg": "HS256", "typ": "JWT"}, {"sub": "4821"})
    assert [f.rule_id for f in scanner.scan("app.js", f'token = "{real}"')] == ["tokens.jwt"]
    assert "tokens.jwt" not in {f.rule_id for f in scanner.scan("app.js", f'token = "{fake}"')}


def test_a_kubeconfig_certificate_is_not_reported_but_its_client_key_is(scanner):
    cert = base64.b64encode(b"-----BEGIN CERTIFICATE-----\n" + b"M" * 120 + b"\n-----END CERTIFICATE-----\n").decode()
    key = base64.b64encode(b"-----BEGIN RSA PRIVATE KEY-----\n" + b"M" * 120 + b"\n-----END RSA PRIVATE KEY-----\n")
    text = f"    certificate-authority-data: {cert}\n    client-key-data: {key.decode()}\n"
    assert [(f.rule_id, f.line) for f in scanner.scan("kubeconfig", text)] == [("keys.pem-base64-private-key", 2)]
