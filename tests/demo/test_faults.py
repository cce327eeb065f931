"""Injected faults produce the failure they name, for as long as they are asked to."""

from __future__ import annotations

import time

import httpx
import orjson
import pytest
from lxml import etree


@pytest.fixture
def client(demo):
    with httpx.Client(base_url=demo.url, timeout=10) as c:
        yield c


def _login(client, demo, **extra):
    return client.get("/player_api.php", params={"username": demo.username, "password": demo.password, **extra})


@pytest.mark.parametrize(("kind", "status", "content_type"), [
    ("http500", 500, "text/html"),
    ("http403", 403, "text/html"),
    ("html", 200, "text/html"),
])
def test_status_and_html_faults(demo, client, kind, status, content_type):
    demo.set_fault(kind)
    response = _login(client, demo)
    assert response.status_code == status
    assert response.headers["content-type"].startswith(content_type)
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(response.content)


def test_malformed_is_the_real_answer_truncated(demo, client):
    whole = _login(client, demo, action="get_live_streams").content
    demo.set_fault("malformed", count=1)
    cut = _login(client, demo, action="get_live_streams").content
    assert whole.startswith(cut) and len(cut) < len(whole)
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(cut)


def test_malformed_guide_is_cut_xml(demo, client):
    demo.set_fault("malformed", paths=["/xmltv.php"])
    response = client.get("/xmltv.php", params={"username": demo.username, "password": demo.password})
    assert response.status_code == 200 and response.content.startswith(b"<?xml")
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(response.content)


def test_reset_drops_the_connection(demo, client):
    demo.set_fault("reset", count=1)
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        _login(client, demo)
    assert _login(client, demo).json()["user_info"]["auth"] == 1


def test_timeout_hangs_until_the_client_gives_up(demo, client):
    demo.set_fault("timeout", count=1, seconds=30)
    with pytest.raises(httpx.ReadTimeout):
        client.get("/player_api.php", params={"username": demo.username, "password": demo.password}, timeout=0.5)
    assert _login(client, demo).status_code == 200


def test_slow_adds_latency_but_answers(demo, client):
    demo.set_fault("slow", seconds=0.3)
    started = time.monotonic()
    assert _login(client, demo).json()["user_info"]["auth"] == 1
    assert time.monotonic() - started >= 0.3


@pytest.mark.parametrize(("kind", "status"), [("expired", "Expired"), ("banned", "Banned"), ("disabled", "Disabled")])
def test_inactive_accounts_answer_every_action_with_the_login_object(demo, client, kind, status):
    demo.set_fault(kind)
    login = _login(client, demo).json()
    assert login["user_info"]["status"] == status
    if kind == "expired":
        assert int(login["user_info"]["exp_date"]) < time.time()
    listed = _login(client, demo, action="get_live_streams").json()
    assert isinstance(listed, dict) and listed["user_info"]["status"] == status
    assert client.get(f"/live/{demo.username}/{demo.password}/1.ts").status_code == 403
    demo.clear_faults()
    assert _login(client, demo).json()["user_info"]["status"] == "Active"


def test_wrong_password_fault_refuses_the_right_password(demo, client):
    demo.set_fault("wrong_password", count=2)
    assert _login(client, demo).json() == {"user_info": {"auth": 0}}
    assert client.get(f"/movie/{demo.username}/{demo.password}/1.mp4").status_code == 401
    assert _login(client, demo).json()["user_info"]["auth"] == 1


def test_too_many_connections_refuses_streams_but_not_the_api(demo, client):
    demo.set_fault("too_many_connections")
    response = client.get(f"/movie/{demo.username}/{demo.password}/1.mp4")
    assert response.status_code == 458 and response.text
    assert client.get(f"/live/{demo.username}/{demo.password}/1.ts").status_code == 458
    assert _login(client, demo, action="get_live_categories").status_code == 200


def test_count_limits_a_fault_and_paths_target_it(demo, client):
    demo.set_fault("http500", count=2, paths=["get_vod_streams"])
    assert _login(client, demo).status_code == 200  # other actions untouched
    assert _login(client, demo, action="get_vod_streams").status_code == 500
    assert _login(client, demo, action="get_vod_streams").status_code == 500
    assert _login(client, demo, action="get_vod_streams").status_code == 200
    assert demo.stats()["requests"]["get_vod_streams"] == 3
    assert demo.stats()["faults_fired"]["http500"] == 2


def test_path_prefixes_target_a_fault(demo, client):
    demo.set_fault("http403", paths=["/xmltv.php"])
    assert client.get("/xmltv.php", params={"username": demo.username, "password": demo.password}).status_code == 403
    assert _login(client, demo).status_code == 200


def test_http_control_endpoints(demo, client):
    created = client.post("/_demo/faults", json={"kind": "http500", "count": 1})
    assert created.status_code == 201
    assert client.get("/_demo/faults").json()["faults"] == [{"kind": "http500", "paths": None, "count": 1,
                                                         "midstream": False}]
    assert _login(client, demo).status_code == 500
    client.post("/_demo/faults", json={"kind": "html"})
    assert client.delete("/_demo/faults").json() == {"faults": []}
    assert _login(client, demo).status_code == 200
    assert client.post("/_demo/faults", json={"kind": "nonsense"}).status_code == 400
    stats = client.get("/_demo/stats").json()
    assert stats["requests"]["login"] == 2 and "open_streams" in stats


def test_unknown_fault_kind_is_rejected(demo):
    with pytest.raises(ValueError):
        demo.set_fault("explode")


def test_cutoff_sends_part_of_the_answer_then_closes(demo, client):
    whole = _login(client, demo, action="get_live_streams").content
    demo.set_fault("cutoff", paths=["get_live_streams"], count=1)
    with pytest.raises(httpx.RemoteProtocolError, match=f"received {len(whole) // 2} bytes"):
        _login(client, demo, action="get_live_streams")
    assert _login(client, demo, action="get_live_streams").content == whole


def test_cutoff_of_a_streamed_guide_ends_it_mid_document(demo, client):
    demo.set_fault("cutoff", paths=["/xmltv.php"])
    got = b""
    params = {"username": demo.username, "password": demo.password}
    with pytest.raises(httpx.RemoteProtocolError), client.stream("GET", "/xmltv.php", params=params) as r:
        for chunk in r.iter_bytes():
            got += chunk
    assert got.startswith(b"<?xml") and b"</tv>" not in got


def _live(client, demo):
    return client.stream("GET", f"/live/{demo.username}/{demo.password}/1.ts")


def test_a_midstream_fault_cuts_a_playing_stream_and_refuses_the_next(demo, client):
    with _live(client, demo) as playing:
        chunks = playing.iter_bytes()
        assert next(chunks)
        demo.set_fault("http500", paths=["live"], midstream=True)
        with pytest.raises(httpx.RemoteProtocolError):
            for _ in chunks:
                pass
    assert client.get(f"/live/{demo.username}/{demo.password}/1.ts").status_code == 500


def test_a_midstream_hang_stalls_a_playing_stream_until_cleared(demo):
    with httpx.Client(base_url=demo.url, timeout=1) as impatient, _live(impatient, demo) as playing:
        chunks, got = playing.iter_bytes(), 0
        assert next(chunks)
        demo.set_fault("timeout", paths=["live"], midstream=True)
        with pytest.raises(httpx.ReadTimeout):
            for chunk in chunks:  # what was in flight arrives, then nothing
                got += len(chunk)
                assert got < 20_000_000, "the stream never stalled"
    demo.clear_faults()
    with httpx.Client(base_url=demo.url, timeout=10) as patient, _live(patient, demo) as playing:
        chunks = playing.iter_bytes()
        assert next(chunks)
        demo.set_fault("timeout", paths=["live"], midstream=True)
        demo.clear_faults()
        assert next(chunks)  # flows on once the hang is over
