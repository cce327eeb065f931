"""Which upstream URLs xtplay may fetch: the one check against an open proxy and a pivot.

Whatever fetches on a provider's behalf (the stream proxy, an artwork cache) asks
:func:`admit` before every request, redirects included, or builds its client on
:func:`admitting_transport`, which does so for each hop. The rule: only ``http``/``https``,
never an address of a cloud metadata service or the link-local range (169.254.0.0/16,
fe80::/10, ``fd00:ec2::254`` …), never an unspecified or multicast address, and never this
app itself (a local address on one of its own ports). A host is checked by every address it
resolves to, so a name pointing at 169.254.169.254 is refused like the number.

The check and the connection use one resolution: :class:`AdmittingBackend` resolves the host,
checks every address, and connects to a checked address (the request keeps the name in its
``Host`` header and TLS its server name), so a name that answers an allowed address to the
check and a forbidden one to the connection (DNS rebinding) reaches nothing forbidden.

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
from collections.abc import Awaitable, Callable, Iterable
from urllib.parse import urlsplit

import httpcore
import httpx

from xtplay.errors import UnsafeUpstream
from xtplay.i18n import N_, Phrase
from xtplay.sources.resend import ResendingPool

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


#: Resolves (host, port) to addresses, in the order to try them.
Resolver = Callable[[str, int], Awaitable[list[str]]]


async def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to, each once, in the resolver's order."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise httpcore.ConnectError(f"the name does not resolve ({exc})") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class AdmittingBackend(httpcore.AsyncNetworkBackend):
    """Opens connections only to admitted addresses: resolves once, checks every address the
    name has, connects to them in turn (never to the name, which could resolve anew)."""

    def __init__(self, own_ports: Iterable[int] = (), resolver: Resolver | None = None) -> None:
        self.own_ports, self.resolver = tuple(own_ports), resolver or resolve
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None) -> httpcore.AsyncNetworkStream:
        bare = host.strip("[]")
        try:  # the name's lookup counts against the connect time limit too
            addresses = [bare] if _is_address(bare) else await asyncio.wait_for(self.resolver(bare, port), timeout)
        except TimeoutError:
            raise httpcore.ConnectTimeout("the name's lookup took too long") from None
        if not addresses:
            raise httpcore.ConnectError("the name has no address")
        for address in addresses:
            check_address(address, port, self.own_ports)
        failure: Exception = httpcore.ConnectError("no address answered")
        for address in addresses:
            try:
                return await self.inner.connect_tcp(address, port, timeout=timeout, local_address=local_address,
                                                    socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None
                                  ) -> httpcore.AsyncNetworkStream:
        raise UnsafeUpstream("a local socket")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def admitting_transport(own_ports: Iterable[int] = (), limits: httpx.Limits | None = None,
                        resolver: Resolver | None = None) -> AdmittingTransport:
    """The transport for a client that fetches what a provider points at: each URL admitted,
    each connection made to an admitted address (``resolver``: how names resolve; tests pass one),
    and a GET that met a kept-alive connection the provider was closing sent once more
    (:mod:`~xtplay.sources.resend`)."""
    limits = limits or httpx.Limits()
    inner = httpx.AsyncHTTPTransport(limits=limits)
    # httpx takes no network backend, so its pool is made again with ours (the same settings
    # httpx gives it: TLS context, limits, HTTP/1.1), resending as browsers do.
    inner._pool = ResendingPool(
        ssl_context=httpx.create_ssl_context(), max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections, keepalive_expiry=limits.keepalive_expiry,
        network_backend=AdmittingBackend(own_ports, resolver))
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
