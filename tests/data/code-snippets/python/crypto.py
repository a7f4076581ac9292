"""Hashing passwords, temporary files and JWT decoding."""

import hashlib
import tempfile
from hashlib import md5, sha1

import jwt
from jose import jwt as jose_jwt


def store_password(user, password, form, pwd, raw):
    digest = hashlib.md5(password.encode()).hexdigest()  # expect: python.weak-password-hash
    user.password_hash = hashlib.sha1(user.passwd.encode()).hexdigest()  # expect: python.weak-password-hash
    password_digest = hashlib.md5(raw).hexdigest()  # expect: python.weak-password-hash
    legacy = hashlib.new("md5", pwd.encode()).hexdigest()  # expect: python.weak-password-hash
    checked = sha1(form.cleaned_data["password"].encode()).hexdigest()  # expect: python.weak-password-hash
    old = md5(user.new_password.encode("utf-8")).digest()  # expect: python.weak-password-hash
    return digest, password_digest, legacy, checked, old


def checksums(path, content, password, salt):
    with open(path, "rb") as handle:
        checksum = hashlib.md5(handle.read()).hexdigest()  # expect: negative
    etag = hashlib.sha1(content).hexdigest()  # expect: negative
    key = hashlib.md5(password.encode(), usedforsecurity=False).hexdigest()  # expect: negative
    strong = hashlib.sha256(password.encode() + salt).hexdigest()  # expect: negative
    derived = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)  # expect: negative
    return checksum, etag, key, strong, derived


def temporary_files():
    path = tempfile.mktemp()  # expect: python.tempfile-mktemp
    report = open(tempfile.mktemp(suffix=".csv"), "w")  # expect: python.tempfile-mktemp
    fd, safe_path = tempfile.mkstemp()  # expect: negative
    with tempfile.NamedTemporaryFile() as handle:  # expect: negative
        handle.write(b"x")
    return path, report, fd, safe_path


def decode_tokens(token, key):
    claims = jwt.decode(token, options={"verify_signature": False})  # expect: python.jwt-no-verify
    legacy = jwt.decode(token, key, verify=False)  # expect: python.jwt-no-verify
    lenient = jwt.decode(token, key, algorithms=["HS256", "none"])  # expect: python.jwt-no-verify
    other = jose_jwt.decode(token, key, options={"verify_signature": False})  # expect: python.jwt-no-verify
    good = jwt.decode(token, key, algorithms=["RS256"])  # expect: negative
    header = jwt.get_unverified_header(token)  # expect: negative
    expiring = jwt.decode(token, key, algorithms=["HS256"], options={"verify_exp": True})  # expect: negative
    return claims, legacy, lenient, other, good, header, expiring
