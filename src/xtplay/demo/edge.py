"""The second port of the ``tokenised`` personality: a load balancer's edge server.

A stream request to the panel is answered with a 302 to ``/edge/{token}/…`` on the edge port;
the token carries its own expiry (signed), so a player that keeps using an old URL starts
getting 403 and has to ask the panel again, as with real load-balanced panels.
"""

from __future__ import annotations

import hashlib
import hmac
import time

PREFIX = "/edge/"


def token(secret: bytes, seconds: float, now: float | None = None) -> str:
    """A token valid for ``seconds`` from ``now``."""
    expires = int(((time.time() if now is None else now) + seconds) * 1000)
    return f"{expires}.{_sign(secret, expires)}"


def valid(secret: bytes, value: str, now: float | None = None) -> bool:
    """Whether ``value`` was signed here and has not expired."""
    expires, _, signature = value.partition(".")
    if not expires.isdigit() or not hmac.compare_digest(signature, _sign(secret, int(expires))):
        return False
    return int(expires) / 1000 > (time.time() if now is None else now)


def _sign(secret: bytes, expires: int) -> str:
    return hmac.new(secret, f"edge:{expires}".encode(), hashlib.sha256).hexdigest()[:16]


def split(path: str) -> tuple[str, str] | None:
    """``(token, inner path)`` of an edge path, or None."""
    if not path.startswith(PREFIX):
        return None
    tok, _, rest = path[len(PREFIX):].partition("/")
    return (tok, "/" + rest) if rest else None
