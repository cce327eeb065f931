"""The guide of a playlist profile: the playlist's own url-tvg addresses (several, gzip) and an
added XMLTV file, channels matched by tvg-id, normalised name or tvg-name, and the settings
page telling how many matched and which did not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.plugins.playlists import add_playlist_profile
from tests.plugins.web import run_async
from xtplay import db, guide
from xtplay.accounts import profiles
from xtplay.accounts.vault import Vault


def xmltv(channels: dict[str, str]) -> str:
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    stamp = lambda t: t.strftime("%Y%m%d%H%M%S +0000")  # noqa: E731
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<tv>']
    for key, name in channels.items():
        parts.append(f'<channel id="{key}"><display-name>{name}</display-name></channel>')
    for key in channels:
        for hour in range(4):
            begin = start + timedelta(hours=hour)
            parts.append(f'<programme start="{stamp(begin)}" stop="{stamp(begin + timedelta(hours=1))}" '
                         f'channel="{key}"><title>{key} show {hour}</title></programme>')
    parts.append("</tv>")
    return "\n".join(parts)


def test_playlist_guides_match_by_id_name_and_tvg_name(playlist_server, settings, tmp_path, start_app,
                                                       _vault_uses_key_file):
    first = playlist_server.put("/epg1.xml.gz", xmltv({"alpha.id": "Alpha One"}), gzip=True,
                                content_type="application/gzip")
    second = playlist_server.put("/epg2.xml", xmltv({"bt": "Beta Télé"}), content_type="text/xml")
    added = tmp_path / "more.xml"
    added.write_text(xmltv({"Gamma_TV": "Something else"}))
    body = f"""#EXTM3U url-tvg="{first},{second}"
#EXTINF:-1 tvg-id="alpha.id",Alpha
http://streams.example/a.ts
#EXTINF:-1 tvg-id="unknown.id",BETA TELE FHD
http://streams.example/b.ts
#EXTINF:-1 tvg-name="Gamma_TV",Gamma
http://streams.example/c.ts
#EXTINF:-1 tvg-id="nowhere",Delta
http://streams.example/d.ts
#EXTINF:-1 tvg-id="alpha.id" tvg-shift="1",Alpha an hour later
http://streams.example/a1.ts
"""
    url = playlist_server.put("/list.m3u", body)
    profile = add_playlist_profile(settings, url, xmltv=(str(added),))
    conn = db.open_library(settings.db_path)
    try:
        result = run_async(guide.refresh_guide(settings, conn, Vault.open(settings), profiles.get_profile(conn, profile.id)))
        assert result.errors == {} and (result.channels_matched, result.unmatched) == (4, ["Delta"])
        how = dict(conn.execute("SELECT i.name, m.matched_by FROM guide_map m JOIN items i ON i.profile_id = m.profile_id "
                                "AND i.provider_id = m.provider_id AND i.type = 'live' WHERE m.profile_id = ?",
                                (profile.id,)).fetchall())
        assert how == {"Alpha": "id", "BETA TELE FHD": "name", "Gamma": "id", "Alpha an hour later": "id"}
        ids = [r[0] for r in conn.execute("SELECT provider_id FROM items WHERE profile_id = ? AND type = 'live' "
                                          "ORDER BY position", (profile.id,))]
        now = guide.now_next(conn, profile.id, ids)
        assert now[ids[0]].now is not None and now[ids[0]].now.title == "alpha.id show 1"
        assert now[ids[1]].now is not None and now[ids[1]].now.title == "bt show 1"
        later = now[ids[4]].now  # tvg-shift=1: the guide's programme of an hour ago, at this hour
        assert later is not None and later.title == "alpha.id show 0" and later.start == now[ids[0]].now.start
        grid = guide.grid(conn, profile.id, datetime.now(UTC) - timedelta(hours=2), 4)
        rows = {row.name: {c.programme.title: c.programme.start for c in row.cells} for row in grid.rows}
        later_cells, plain_cells = rows["Alpha an hour later"], rows["Alpha"]
        assert later_cells and all(start == plain_cells[title] + timedelta(hours=1)
                                   for title, start in later_cells.items() if title in plain_cells)
    finally:
        conn.close()
    app = start_app(settings)
    import httpx

    page = httpx.get(app.url + "/settings").text
    assert 'id="guide-matched">4 of 5<' in page and "<li>Delta</li>" in page


def test_a_plus_one_channel_without_a_guide_of_its_own_gets_its_base_channels_an_hour_later(
        playlist_server, settings, _vault_uses_key_file):
    epg = playlist_server.put("/plus.xml", xmltv({"bbc1": "BBC One", "itv1p": "ITV +1", "e4": "E4"}),
                              content_type="text/xml")
    body = f"""#EXTM3U url-tvg="{epg}"
#EXTINF:-1,BBC One HD
http://streams.example/bbc1.ts
#EXTINF:-1,BBC One +1
http://streams.example/bbc1p.ts
#EXTINF:-1,ITV +1
http://streams.example/itv1p.ts
#EXTINF:-1 tvg-shift="2",E4+1
http://streams.example/e4p.ts
#EXTINF:-1,Canal+ 2
http://streams.example/canal2.ts
"""
    profile = add_playlist_profile(settings, playlist_server.put("/plus.m3u", body))
    conn = db.open_library(settings.db_path)
    try:
        result = run_async(guide.refresh_guide(settings, conn, Vault.open(settings), profiles.get_profile(conn, profile.id)))
        assert result.errors == {} and result.unmatched == ["Canal+ 2"]
        found = {name: (key, shift) for name, key, shift in conn.execute(
            "SELECT i.name, m.channel_key, m.shift_secs FROM guide_map m JOIN items i ON i.profile_id = m.profile_id "
            "AND i.provider_id = m.provider_id AND i.type = 'live' WHERE m.profile_id = ?", (profile.id,))}
        # its own guide channel wins; a tvg-shift says the hours itself
        assert found == {"BBC One HD": ("bbc1", 0), "BBC One +1": ("bbc1", 3600), "ITV +1": ("itv1p", 0),
                         "E4+1": ("e4", 7200)}
        ids = dict(conn.execute("SELECT name, provider_id FROM items WHERE profile_id = ? AND type = 'live'",
                                (profile.id,)).fetchall())
        now = guide.now_next(conn, profile.id, [ids["BBC One HD"], ids["BBC One +1"]])
        base, later = now[ids["BBC One HD"]].now, now[ids["BBC One +1"]].now
        assert base is not None and later is not None
        assert (base.title, later.title) == ("bbc1 show 1", "bbc1 show 0") and later.start == base.start
    finally:
        conn.close()
