"""Server URL normalisation: what people paste becomes ``scheme://host[:port][/sub/path]``."""

from __future__ import annotations

import pytest

from xtplay.accounts.profiles import normalize_url
from xtplay.errors import InvalidProfile


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("example.com", "http://example.com"),
        ("example.com:8080", "http://example.com:8080"),
        ("http://example.com:8080/", "http://example.com:8080"),
        ("  HTTP://Example.COM:8080//  ", "http://example.com:8080"),
        ("https://example.com", "https://example.com"),
        ("http://example.com:8080/player_api.php", "http://example.com:8080"),
        ("http://example.com:8080/player_api.php?username=u&password=p", "http://example.com:8080"),
        ("http://example.com:8080/get.php?username=u&password=p&type=m3u_plus&output=ts", "http://example.com:8080"),
        ("http://example.com/?foo=bar#frag", "http://example.com"),
        ("http://user:pass@example.com:25461/", "http://example.com:25461"),
        ("http://example.com/Pluto/gb/", "http://example.com/Pluto/gb"),
        ("http://example.com/sub/player_api.php", "http://example.com/sub"),
        ("127.0.0.1:49152", "http://127.0.0.1:49152"),
        ("http://[::1]:8080/", "http://[::1]:8080"),
    ],
)
def test_pasted_urls_are_normalised(pasted, expected):
    assert normalize_url(pasted) == expected


@pytest.mark.parametrize(
    "nonsense",
    ["", "   ", "ftp://example.com", "http://", "http://:8080", "example.com:port", "example.com:70000",
     "http://exa mple.com", "javascript:alert(1)", "http://example..com", "http://<b>/"],
)
def test_nonsense_is_refused_with_the_url_field(nonsense):
    with pytest.raises(InvalidProfile) as caught:
        normalize_url(nonsense)
    assert caught.value.field == "url"
    assert str(caught.value)
