"""Network safety for URLs that users hand to Bastion: repositories now, webhooks and provider URLs later.

A URL is checked twice. `url_check` runs when the URL is saved: it reads the host the way the
resolver will (every IPv4 spelling inet_aton accepts, IPv6 with embedded IPv4, IDNA and full-width
forms) and refuses local, private and option-like URLs. Since a name may resolve elsewhere by the
time it is used, whatever connects must check again *at connection time*:

- HTTP: use `session_create(allow_private=...)`. Its adapter resolves each request's host once,
  refuses it unless every address is allowed, connects to that very address (TLS still verifies
  and sends SNI for the host name), and does the same for every redirect hop.
- Anything else (git clone): call `host_resolve(host, port, allow_private=...)` and connect to one
  of the addresses it returns, never to the name, so DNS cannot change between check and connect:
  for git over https, `-c http.curloptResolve=host:port:address`; over ssh, connect to the address
  with `-o HostKeyAlias=host` so the host key is still checked for the name.

"Private" is every address that is not globally routable, including IPv4 hidden inside IPv6
(mapped, compatible, 6to4, Teredo, NAT64). Each caller passes its own operator setting as
`allow_private`; cloud metadata addresses stay refused even then.
"""

import ipaddress
import re
import socket
import unicodedata
from collections.abc import Collection, Iterable
from typing import Any
from urllib.parse import SplitResult, urlsplit

import idna
import requests
from requests.adapters import HTTPAdapter

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeURL(Exception):
    """A URL or host Bastion must not connect to; the message is fit to show the user."""


_LOCAL_SUFFIXES = ("localhost", "local", "internal", "lan", "home.arpa", "localdomain", "intranet")
_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
# Dots that UTS 46 and browsers read as "." (ideographic, full-width and half-width full stops).
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LINK_LOCAL_V4 = ipaddress.ip_network("169.254.0.0/16")
# Cloud metadata services: refused even where an operator allows private addresses.
_METADATA = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200")
)


def text_check(text: str) -> None:
    """Refuse text a command line could read as an option, or that hides whitespace or controls."""
    if text.startswith("-"):
        raise UnsafeURL("A URL may not begin with '-'.")
    if any(c.isspace() or unicodedata.category(c)[0] in "CZ" for c in text):
        raise UnsafeURL("A URL may not contain spaces or control characters.")


def ipv4_parse(text: str) -> ipaddress.IPv4Address | None:
    """Read text as inet_aton does (1 to 4 parts, decimal, 0x hex or 0 octal); None if it is no address."""
    parts = text.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values = []
    for part in parts:
        try:
            if part[:2] in ("0x", "0X"):
                values.append(int(part[2:], 16))
            elif len(part) > 1 and part.startswith("0"):
                values.append(int(part, 8))
            else:
                values.append(int(part, 10) if part.isascii() and part.isdigit() else -1)
        except ValueError:
            return None
    *head, last = values
    if any(not 0 <= v <= 255 for v in head) or not 0 <= last < 256 ** (4 - len(head)):
        return None
    number = last
    for index, value in enumerate(head):
        number += value << (8 * (3 - index))
    return ipaddress.IPv4Address(number)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> Iterable[ipaddress.IPv4Address]:
    if address.ipv4_mapped:
        yield address.ipv4_mapped
    if address.sixtofour:
        yield address.sixtofour
    if address.teredo:
        yield from address.teredo
    packed = int(address)
    if address in _NAT64 or packed >> 32 == 0:
        yield ipaddress.IPv4Address(packed & 0xFFFFFFFF)


def address_check(address: IPAddress, *, allow_private: bool) -> None:
    """Refuse an address that is cloud metadata, or not globally routable unless private ones are allowed."""
    candidates = [address, *(_embedded_ipv4(address) if address.version == 6 else ())]
    for candidate in candidates:
        if candidate in _METADATA or candidate in _LINK_LOCAL_V4:
            raise UnsafeURL("This address belongs to a cloud metadata service.")
        if not candidate.is_global and not allow_private:
            raise UnsafeURL("This address is local or private; an operator can allow such URLs.")


def host_normalize(host: str) -> str | IPAddress:
    """The host as the resolver will see it: an address, or a lower-case ASCII (IDNA) name."""
    text_check(host)
    if host.startswith("[") and host.endswith("]"):
        literal = host[1:-1].split("%", 1)[0]  # a zone id does not change which address it is
        try:
            return ipaddress.IPv6Address(literal)
        except ValueError:
            raise UnsafeURL("This is not a valid IPv6 address.") from None
    name = unicodedata.normalize("NFKC", host).translate(_DOTS).casefold().rstrip(".")
    if not name.isascii():
        try:
            name = idna.encode(name, uts46=True).decode("ascii")
        except idna.IDNAError:
            raise UnsafeURL("This is not a valid host name.") from None
    if ":" in name:
        try:
            return ipaddress.IPv6Address(name.split("%", 1)[0])
        except ValueError:
            raise UnsafeURL("This is not a valid host name.") from None
    labels = name.split(".")
    # As in the WHATWG URL standard: a name whose last label is numeric is an address or nothing.
    if _NUMERIC_LABEL.match(labels[-1]):
        if address := ipv4_parse(name):
            return address
        raise UnsafeURL("This is not a valid IPv4 address.")
    if not all(_LABEL.match(label) for label in labels):
        raise UnsafeURL("This is not a valid host name.")
    if any(label.startswith("xn--") for label in labels):
        try:
            idna.decode(name)
        except idna.IDNAError:
            raise UnsafeURL("This is not a valid host name.") from None
    return name


def _name_check(name: str, *, allow_private: bool) -> None:
    labels = name.split(".")
    local = len(labels) == 1 or any(".".join(labels[-n:]) in _LOCAL_SUFFIXES for n in (1, 2))
    if local and not allow_private:
        raise UnsafeURL("This address is local or private; an operator can allow such URLs.")


def host_check(host: str, *, allow_private: bool) -> str | IPAddress:
    """Refuse a host that is, or is named as, local or private; return it normalised."""
    normal = host_normalize(host)
    if isinstance(normal, str):
        _name_check(normal, allow_private=allow_private)
    else:
        address_check(normal, allow_private=allow_private)
    return normal


def url_check(url: str, *, schemes: Collection[str], allow_private: bool) -> SplitResult:
    """Refuse a URL with another scheme, an option-like or hidden part, or a local or private host."""
    text_check(url)
    if "\\" in url:
        raise UnsafeURL("A URL may not contain a backslash.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a bad port raises here rather than later, at connection time
    except ValueError:
        raise UnsafeURL("This is not a valid URL.") from None
    if parts.scheme not in schemes or not parts.hostname:
        raise UnsafeURL(f"Use a URL starting with {' or '.join(f'{s}://' for s in sorted(schemes))}.")
    if (parts.username or "").startswith("-"):
        raise UnsafeURL("A URL's user name may not begin with '-'.")
    host = parts.netloc.rpartition("@")[2]
    host = host[: host.find("]") + 1] if host.startswith("[") else host.partition(":")[0]
    host_check(host, allow_private=allow_private)
    return parts


def host_resolve(
    host: str, port: int, *, allow_private: bool, allowed_addresses: Collection[IPAddress] = ()
) -> list[IPAddress]:
    """Resolve a host once; return its addresses if every one is allowed, else raise UnsafeURL.

    `allowed_addresses` are let through whatever they are: for an explicit operator exception,
    and for tests that stand a server on loopback.
    """
    normal = host_normalize(host)
    if isinstance(normal, str):
        _name_check(normal, allow_private=allow_private)
        try:
            infos = socket.getaddrinfo(normal, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            raise UnsafeURL("This host name does not resolve.") from None
        addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos))
    else:
        addresses = [normal]
    if not addresses:
        raise UnsafeURL("This host name does not resolve.")
    for address in addresses:
        if address not in allowed_addresses:
            address_check(address, allow_private=allow_private)
    return addresses


class PinnedAddressAdapter(HTTPAdapter):
    """Connects only to vetted addresses, resolved once per request and redirect hop."""

    def __init__(self, *, allow_private: bool, allowed_addresses: Collection[IPAddress] = (), **kwargs: Any):
        self.allow_private = allow_private
        self.allowed_addresses = frozenset(allowed_addresses)
        super().__init__(**kwargs)

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        url_check(request.url or "", schemes=("http", "https"), allow_private=True)
        kwargs["proxies"] = {}  # a proxy would resolve the name itself, after our check
        return super().send(request, *args, **kwargs)

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: Any, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        host = host_params["host"]
        address = host_resolve(
            host, host_params["port"], allow_private=self.allow_private, allowed_addresses=self.allowed_addresses
        )[0]
        request.headers["Host"] = urlsplit(request.url or "").netloc.rpartition("@")[2]
        if host_params["scheme"] == "https" and isinstance(host_normalize(host), str):
            # Connect to the vetted address, but verify the certificate for, and send SNI of, the name.
            pool_kwargs["server_hostname"] = host
            pool_kwargs["assert_hostname"] = host
        host_params["host"] = f"[{address}]" if address.version == 6 else str(address)
        return host_params, pool_kwargs


def session_create(*, allow_private: bool, allowed_addresses: Collection[IPAddress] = ()) -> requests.Session:
    """A requests Session that refuses local and private destinations at connection time."""
    session = requests.Session()
    session.trust_env = False  # no proxies or .netrc from the environment
    adapter = PinnedAddressAdapter(allow_private=allow_private, allowed_addresses=allowed_addresses)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
