"""The web surface a home network sees (OWASP ASVS level 1 as the reference): a script policy
without ``'unsafe-inline'`` that the pages really keep to, and a CSRF check in front of every
state-changing route, whichever module added it."""

from __future__ import annotations

import base64
import hashlib
import html
import re

import httpx
import pytest
from fastapi.routing import APIRoute

from xtplay.web.app import ROUTER_MODULES, content_security_policy

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
_HANDLER = re.compile(r"""\son[a-z]+=(?:"([^"]*)"|'([^']*)')""")


def _directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part}


def test_the_script_policy_has_no_inline_or_eval_and_forbids_framing(web_client):
    policy = web_client.get("/welcome").headers["content-security-policy"]
    assert policy == content_security_policy()
    found = _directives(policy)
    assert "'unsafe-inline'" not in found["script-src"] and "'unsafe-eval'" not in found["script-src"]
    assert found["frame-ancestors"] == ["'none'"] and found["object-src"] == ["'none'"]
    assert found["default-src"] == ["'self'"] and found["base-uri"] == ["'self'"]
    headers = web_client.get("/static/js/app.js").headers
    assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "no-referrer"


def test_pages_have_no_inline_script_and_only_handlers_the_policy_names(live_app):
    allowed = set(_directives(content_security_policy())["script-src"])
    paths = ["/live", "/movies", "/series", "/movies/1", "/movies/1/details", "/series/1", "/series/1/details",
             "/search?q=demo", "/guide", "/favorites", "/history", "/continue", "/settings", "/profiles",
             "/watch/live/1", "/watch/movie/1", "/welcome", "/profiles/new", "/live/rows", "/movies/rows"]
    with httpx.Client(base_url=live_app.url, timeout=30, follow_redirects=True) as client:
        for path in paths:
            text = client.get(path).text
            assert not _INLINE_SCRIPT.search(text), path
            for match in _HANDLER.finditer(text):
                code = html.unescape(match.group(1) if match.group(1) is not None else match.group(2))
                digest = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
                assert f"'sha256-{digest}'" in allowed, (path, code)


def _unsafe_routes() -> list[tuple[str, str]]:
    """Every state-changing route of every router the app includes, path parameters filled in."""
    fill = {"profile_id": "1", "type": "movie", "provider_id": "1", "item_id": "1", "source_id": "1",
            "profile": "1"}
    out = []
    for route in (r for module in ROUTER_MODULES for r in module.router.routes):
        if isinstance(route, APIRoute):
            for method in sorted(route.methods & set(UNSAFE)):
                out.append((method, re.sub(r"{(\w+)}", lambda m: fill.get(m.group(1), "1"), route.path)))
    return out


def test_every_state_change_refuses_a_request_without_the_csrf_token(web_client):
    routes = _unsafe_routes()
    assert len(routes) > 30, routes  # every module's routes are here
    for method, path in routes:
        form = web_client.request(method, path, data={"confirm": "yes", "next": "/"}, follow_redirects=False)
        assert form.status_code == 403, (method, path, form.status_code)
        cross = web_client.request(method, path, json={}, headers={"origin": "http://evil.example"},
                                   follow_redirects=False)
        assert cross.status_code == 403, (method, path, cross.status_code)
        fetched = web_client.request(method, path, headers={"sec-fetch-site": "cross-site"}, follow_redirects=False)
        assert fetched.status_code == 403, (method, path, fetched.status_code)
        plain = web_client.request(method, path, content=b"x", headers={"content-type": "text/plain"},
                                   follow_redirects=False)
        assert plain.status_code == 403 or method != "POST", (method, path, plain.status_code)


@pytest.mark.parametrize("path", ["/login", "/logout", "/sync/now"])
def test_a_wrong_token_is_refused_too(web_client, path):
    answer = web_client.post(path, data={"csrf_token": web_client.csrf[:-2] + "xx"}, follow_redirects=False)
    assert answer.status_code == 403
