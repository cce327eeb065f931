"""Seeking in a converted file, over real sockets against the demo provider: a remux copies
the video, so it starts on the keyframe at or before the asked time, and the app says which,
so that the player's clock and subtitles count from the moment really on screen."""

from __future__ import annotations

import subprocess


def _duration(path) -> float:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
                         capture_output=True, check=True, text=True).stdout
    return float(out.strip())


def test_a_remux_seek_lands_on_the_keyframe_before_and_starts_there(app_http, play_profile_id, tmp_path):
    base = f"/play/{play_profile_id}/movie/2"  # MKV, H.264 with a keyframe every 2 s, AC-3 audio
    assert app_http.get(f"{base}/seek", params={"start": 7.3}).json() == {"start": 6.005}
    assert app_http.get(f"{base}/seek", params={"start": 8.1}).json() == {"start": 8.005}
    assert app_http.get(f"{base}/seek", params={"start": 0}).json() == {"start": 0}
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(app_http.get(f"{base}/remux.mp4", params={"start": 6.005}).content)
    assert abs(_duration(cut) - (120.005 - 6.005)) < 0.3  # from that keyframe, not the one before


def test_a_transcode_starts_exactly_where_asked(app_http, play_profile_id):
    assert app_http.get(f"/play/{play_profile_id}/movie/3/seek", params={"start": 7.3}).json() == {"start": 7.3}


def test_seeking_a_live_channel_is_not_a_thing(app_http, play_profile_id):
    response = app_http.get(f"/play/{play_profile_id}/live/1/seek", params={"start": 7.3})
    assert response.status_code == 404
