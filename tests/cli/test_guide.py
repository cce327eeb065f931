"""``xtplay guide …`` run in-process through ``cli.main`` against the demo provider."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.plugins.guide import hourly, make_xmltv
from xtplay import guide
from xtplay.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_refresh_json_then_show(synced_profile, capsys):
    settings, conn, _, profile = synced_profile
    code, out, _ = run(capsys, "--home", str(settings.home), "guide", "refresh", "Demo", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["profile"] == "Demo" and result["status"] == "ok" and result["programmes"] > 0
    stored = guide.programme_count(conn, profile.id)
    assert result["programmes"] == stored
    code, out, _ = run(capsys, "--home", str(settings.home), "guide", "show", "1", "--tz", "UTC", "--json")
    assert code == 0
    day = json.loads(out)
    assert day["name"] == "Demo One HD" and day["day"] == datetime.now(UTC).date().isoformat()
    starts = [p["start"] for p in day["programmes"]]
    assert starts and starts == sorted(starts) and all(s.endswith("+00:00") for s in starts)
    code, out, _ = run(capsys, "--home", str(settings.home), "guide", "show", "Demo One HD", "--tz", "Asia/Tokyo")
    assert code == 0 and out.startswith("Demo One HD — ") and "▶" in out


def test_show_unknown_channel_is_one_line_error(synced_profile, capsys):
    settings = synced_profile[0]
    code, _, err = run(capsys, "--home", str(settings.home), "guide", "show", "No Such Channel")
    assert code == 1 and err.startswith("error: No live channel") and err.count("\n") == 1


def test_add_list_and_remove_a_source(synced_profile, guide_server, capsys):
    settings, conn, _, profile = synced_profile
    start = datetime.now(UTC) - timedelta(minutes=10)
    url = guide_server.put("/extra.xml", make_xmltv([("x", ["X"])], hourly("x", start, 2)))
    code, out, _ = run(capsys, "--home", str(settings.home), "guide", "add-source", url)
    assert code == 0 and "added guide source" in out
    code, out, _ = run(capsys, "--home", str(settings.home), "guide", "sources", "--json")
    assert [s["url"] for s in json.loads(out)] == [url]
    code, out, _ = run(capsys, "--home", str(settings.home), "guide", "refresh", "--json")
    assert code == 0 and json.loads(out)["programmes"] > 2
    code, out, _ = run(capsys, "--home", str(settings.home), "guide", "sources")
    assert "— ok" in out
    source_id = json.loads(run(capsys, "--home", str(settings.home), "guide", "sources", "--json")[1])[0]["id"]
    assert run(capsys, "--home", str(settings.home), "guide", "remove-source", str(source_id))[0] == 0
    assert conn.execute("SELECT count(*) FROM guide_sources").fetchone()[0] == 0
    code, _, err = run(capsys, "--home", str(settings.home), "guide", "add-source", "ftp://nope")
    assert code == 1 and "not an http(s) URL" in err


def test_refresh_failure_exits_1_and_keeps_nothing_broken(synced_profile, demo, capsys):
    settings = synced_profile[0]
    demo.set_fault("html", paths=["/xmltv.php"])
    code, out, err = run(capsys, "--home", str(settings.home), "guide", "refresh")
    assert code == 1 and out.startswith("failed: 0 programmes") and "previous guide is kept" in err
