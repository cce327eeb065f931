"""Channel logos over their initials: a missing or broken logo leaves a readable mark, not an
empty box (a list read from the sofa)."""

from __future__ import annotations

import html
import re

import pytest

from xtplay.web.views import initials

BOX = re.compile(r'<span class="channel-logo logo-box" aria-hidden="true">'
                 r'<span class="logo-initials">([^<]*)</span>(<img [^>]*>)?')


@pytest.mark.parametrize(("name", "shown"), [
    ("BBC One HD", "BO"), ("Alpha News", "AN"), ("ZDF", "ZD"), ("Das Erste FHD", "DE"), ("4K HD", "·"),
    ("", "·"), (None, "·"), ("Télé 5", "T5"), ("<script>x</script>", "SX"),
])
def test_initials_stand_for_the_channel(name, shown):
    assert initials(name) == shown


def test_every_channel_row_carries_its_initials_under_its_logo(browse_client):
    page = browse_client.get("/live?category=10")
    assert page.status_code == 200
    boxes = BOX.findall(page.text)
    names = [html.unescape(n) for n in re.findall(r'<span class="channel-name">([^<]*)</span>', page.text)]
    assert len(boxes) == len(names) > 0
    assert [shown for shown, _ in boxes] == [initials(n) for n in names]
    for _, img in boxes:  # a logo that fails to load is removed, uncovering the initials
        assert not img or 'onerror="this.remove()"' in img
