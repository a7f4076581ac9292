import ipaddress
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from core.network import UnsafeURL, host_resolve, ipv4_parse, session_create, url_check

HTTPS = ("https",)
LOOPBACK = ipaddress.ip_address("127.0.0.1")


@pytest.mark.parametrize(
    "url",
    [
        "https://127.1/x",
        "https://１２７.０.０.１/x",
        "https://127。0。0。1/x",
        "https://2130706433/x",
        "https://0x7f.1/x",
        "https://0177.0.0.1/x",
        "https://0x7f000001/x",
        "https://127.0.0.1./x",
        "https://0/x",
        "https://10.1/x",
        "https://192.168.1.1:8443/x",
        "https://169.254.169.254/latest/meta-data",
        "https://100.100.100.200/x",
        "https://[::1]/x",
        "https://[::]/x",
        "https://[::ffff:127.0.0.1]/x",
        "https://[::ffff:7f00:1]/x",
        "https://[::127.0.0.1]/x",
        "https://[2002:7f00:1::]/x",
        "https://[64:ff9b::a00:1]/x",
        "https://[fe80::1%25eth0]/x",
        "https://[fd00:ec2::254]/x",
        "https://localhost/x",
        "https://localhost./x",
        "https://LOCALHOST/x",
        "https://ｌｏｃａｌｈｏｓｔ/x",
        "https://git.localhost/x",
        "https://gitlab.internal/x",
        "https://nas.home.arpa/x",
        "https://intranet/x",
        "https://1.2.3.4.5/x",
        "https://256.1.1.1/x",
        "https://08.1.1.1/x",
        "https://xn--zz/x",
        "https://host/x --upload-pack=touch /tmp/pwned",
        "https://host/x\t--upload-pack=x",
        "https://host/x\n",
        "https://host/x\u200b",
        "-https://host/x",
        "https://-oProxyCommand=x/y",
        "https://evil.com\\@github.com/x",
        "https://github.com:99999/x",
        "http://github.com/x",
        "file:///etc/passwd",
    ],
)
def test_local_private_and_option_like_urls_are_refused(url):
    with pytest.raises(UnsafeURL):
        url_check(url, schemes=HTTPS, allow_private=False)


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/acme/repo",
        "https://GitHub.com./acme/repo",
        "https://ｇｉｔｈｕｂ.com/acme/repo",
        "https://bücher.example/repo",
        "https://xn--bcher-kva.example/repo",
        "https://8.8.8.8/x",
        "https://134744072/x",
        "https://[2606:4700::1111]/x",
        "https://git.example.com:8443/a/b.git",
    ],
)
def test_public_urls_in_any_spelling_are_accepted(url):
    url_check(url, schemes=HTTPS, allow_private=False)


def _inet_aton(text):
    try:
        return ipaddress.IPv4Address(socket.inet_aton(text))
    except OSError:
        return None


@pytest.mark.parametrize(
    "text", ["127.1", "0x7f.1", "0177.0.0.1", "2130706433", "10.0x10.1", "1.2.3.4", "0x", "08.1", "1.256.1", "1.65536"]
)
def test_ipv4_spellings_are_read_as_inet_aton_reads_them(text):
    assert ipv4_parse(text) == _inet_aton(text)


def test_an_operator_may_allow_private_but_never_metadata_addresses():
    url_check("https://10.0.0.8/x", schemes=HTTPS, allow_private=True)
    with pytest.raises(UnsafeURL):
        url_check("https://169.254.169.254/x", schemes=HTTPS, allow_private=True)


def _resolving(monkeypatch, names):
    real_getaddrinfo = socket.getaddrinfo

    def fake_getaddrinfo(host, port, *args, **kwargs):
        if host not in names:  # an address literal: the connection itself
            return real_getaddrinfo(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in names[host]]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)


def test_a_name_resolving_to_any_private_address_is_refused(monkeypatch):
    _resolving(monkeypatch, {"sneaky.example": ["8.8.8.8", "10.0.0.1"], "fine.example": ["8.8.8.8"]})

    with pytest.raises(UnsafeURL):
        host_resolve("sneaky.example", 443, allow_private=False)
    assert host_resolve("fine.example", 443, allow_private=False) == [ipaddress.ip_address("8.8.8.8")]


def test_localhost_is_refused_by_name_and_by_resolution():
    with pytest.raises(UnsafeURL):
        host_resolve("localhost", 443, allow_private=False)


@pytest.fixture
def redirecting_server():
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            target = {"/to-private": "http://internal.example/", "/to-loopback": "http://127.2/"}.get(self.path)
            self.send_response(302 if target else 200)
            if target:
                self.send_header("Location", target)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(self.headers["Host"].encode()[:2])

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_the_session_connects_to_the_vetted_address_and_keeps_the_host_name(monkeypatch, redirecting_server):
    _resolving(monkeypatch, {"repo.example": ["127.0.0.1"]})
    session = session_create(allow_private=False, allowed_addresses=[LOOPBACK])

    response = session.get(f"http://repo.example:{redirecting_server}/ok", timeout=5)

    assert (response.status_code, response.text) == (200, "re")  # the Host header named repo.example


@pytest.mark.parametrize("path", ["/to-private", "/to-loopback"])
def test_the_session_refuses_a_redirect_to_a_private_address(monkeypatch, redirecting_server, path):
    _resolving(monkeypatch, {"repo.example": ["127.0.0.1"], "internal.example": ["10.0.0.1"]})
    session = session_create(allow_private=False, allowed_addresses=[LOOPBACK])

    with pytest.raises(UnsafeURL):
        session.get(f"http://repo.example:{redirecting_server}{path}", timeout=5)


def test_the_session_refuses_a_name_resolving_to_a_private_address(monkeypatch):
    _resolving(monkeypatch, {"rebind.example": ["192.168.0.1"]})

    with pytest.raises(UnsafeURL):
        session_create(allow_private=False).get("https://rebind.example/", timeout=5)


def test_the_session_resolves_a_name_once_so_a_rebinding_answer_is_never_used(monkeypatch, redirecting_server):
    answers = iter([["127.0.0.1"], ["10.0.0.1"]])
    real_getaddrinfo = socket.getaddrinfo
    lookups = []

    def rebinding_getaddrinfo(host, port, *args, **kwargs):
        if host != "rebind.example":
            return real_getaddrinfo(host, port, *args, **kwargs)
        lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in next(answers)]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_getaddrinfo)
    session = session_create(allow_private=False, allowed_addresses=[LOOPBACK])

    response = session.get(f"http://rebind.example:{redirecting_server}/ok", timeout=5)

    assert (response.status_code, lookups) == (200, ["rebind.example"])
