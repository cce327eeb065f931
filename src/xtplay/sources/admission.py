"""Which upstream URLs xtplay may fetch: the one check against an open proxy and a pivot.

Whatever fetches on a provider's behalf (the stream proxy, an artwork cache) asks
:func:`admit` before every request, redirects included, or builds its client on
:func:`admitting_transport`, which does so for each hop. The rule: only ``http``/``https``,
never an address of a cloud metadata service or the link-local range (169.254.0.0/16,
fe80::/10, ``fd00:ec2::254`` …), never an unspecified or multicast address, and never this
app itself (a local address on one of its own ports). A host is checked by every address it
resolves to, so a name pointing at 169.254.169.254 is refused like the number.

That a URL came *from the provider* (its own server, a redirect it answered, a URI of a
playlist it sent) is the callers' half of the rule: they fetch only URLs named by an opaque
token they minted from such an answer, never one a browser supplies. Loopback is allowed
(the demo provider lives there), except on the app's own ports.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

import httpx

from xtplay.errors import UnsafeUpstream
from xtplay.i18n import N_, Phrase

#: Schemes a provider may lead us to.
SCHEMES = ("http", "https")
#: Address ranges never fetched: link-local (where AWS, GCP, Azure, OpenStack and DigitalOcean
#: answer metadata on 169.254.169.254), the IPv6 metadata endpoints, Alibaba's 100.100.100.200,
#: "this network", and multicast.
BLOCKED_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    "169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128", "fd00:ec2::23/128", "fd20:ce::254/128",
    "100.100.100.200/32", "0.0.0.0/8", "::/128", "224.0.0.0/4", "ff00::/8",
))
#: Names of metadata services that resolve only inside a cloud.
BLOCKED_NAMES = ("metadata.google.internal", "metadata.goog", "metadata", "instance-data",
                 "instance-data.ec2.internal")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def check_address(address: str, port: int, own_ports: Iterable[int] = ()) -> None:
    """Raise :class:`UnsafeUpstream` when ``address:port`` is never to be fetched."""
    ip = _plain(ipaddress.ip_address(address.split("%", 1)[0]))
    if any(ip in net for net in BLOCKED_NETWORKS):
        raise UnsafeUpstream(N_("a link-local or cloud metadata address"))
    if port in set(own_ports) and (ip.is_loopback or _is_this_machine(str(ip))):
        raise UnsafeUpstream(N_("this xtplay server itself"))


def check_url(url: str, own_ports: Iterable[int] = ()) -> tuple[str, int]:
    """The URL's (host, port) when its form is admissible (scheme, host); addresses are
    checked too when the host is written as one. Raises :class:`UnsafeUpstream`."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeUpstream(N_("an address that is not a web address")) from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise UnsafeUpstream(Phrase(N_("a “%(scheme)s:” link, not a web address"), {"scheme": scheme}) if scheme
                             else N_("a link that is not a web address"))
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise UnsafeUpstream(N_("an address without a host"))
    if host in BLOCKED_NAMES:
        raise UnsafeUpstream(N_("a cloud metadata service"))
    port = port or (443 if scheme == "https" else 80)
    if _is_address(host):
        check_address(host, port, own_ports)
    return host, port


async def admit(url: str, own_ports: Iterable[int] = ()) -> None:
    """Raise :class:`UnsafeUpstream` unless ``url`` may be fetched, by form and by every
    address its host resolves to (a name that does not resolve is left to the fetch to report)."""
    ports = tuple(own_ports)
    host, port = check_url(url, ports)
    if _is_address(host):
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return
    for info in infos:
        check_address(str(info[4][0]), port, ports)


class AdmittingTransport(httpx.AsyncBaseTransport):
    """An httpx transport that admits each request (so each redirect hop) before sending it."""

    def __init__(self, inner: httpx.AsyncBaseTransport, own_ports: Iterable[int] = ()) -> None:
        self.inner, self.own_ports = inner, tuple(own_ports)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await admit(str(request.url), self.own_ports)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def admitting_transport(own_ports: Iterable[int] = (), limits: httpx.Limits | None = None) -> AdmittingTransport:
    """The transport for a client that fetches what a provider points at."""
    inner = httpx.AsyncHTTPTransport(limits=limits or httpx.Limits())
    return AdmittingTransport(inner, own_ports)


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


def _plain(ip: Address) -> Address:
    """An IPv4-mapped IPv6 address as the IPv4 address it is."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


@functools.lru_cache(maxsize=256)
def _is_this_machine(address: str) -> bool:
    """Whether ``address`` is one of this machine's own (a socket can be bound to it)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.bind((address, 0))
    except OSError:
        return False
    return True
