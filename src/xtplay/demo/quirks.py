"""The demo's JSON the way sloppy panels write it (the ``sloppy`` personality).

Each function takes the standard answer and returns it bent the way real panel software
bends it: ints where XC 2.x sends strings, ``null`` and missing fields, ``info: []`` for
some movies, seasons counted from 0 while episode keys count from 1, episodes as a list of
lists, ratings like ``"7.5/10"`` and durations only as ``"01:49:00"``.
"""

from __future__ import annotations

from typing import Any


def login(obj: dict[str, Any]) -> dict[str, Any]:
    """``user_info`` with ints, a null expiry and no ``allowed_output_formats``."""
    user = dict(obj["user_info"])
    user.update(is_trial=0, max_connections=int(user["max_connections"]), active_cons=int(user["active_cons"]),
                exp_date=None)
    user.pop("allowed_output_formats", None)
    server = dict(obj["server_info"], port=int(obj["server_info"]["port"]))
    return {"user_info": user, "server_info": server}


def _out_of_ten(value: Any) -> Any:
    try:
        return f"{float(str(value).replace(',', '.')):g}/10" if value not in ("", None) else value
    except ValueError:
        return value


def movie_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ratings as ``"7.5/10"``."""
    return [dict(row, rating=_out_of_ten(row.get("rating"))) for row in rows]


def vod_info(ident: int, answer: dict[str, Any]) -> dict[str, Any]:
    """Every fourth movie with ``info: []``; the others with a ``"7.5/10"`` rating and the
    duration only as ``"HH:MM:SS"``."""
    if ident % 4 == 0 or not isinstance(answer.get("info"), dict):
        return {"info": [], "movie_data": answer.get("movie_data")}
    info = {k: v for k, v in answer["info"].items() if k not in ("duration_secs", "episode_run_time")}
    info["rating"] = _out_of_ten(info.get("rating"))
    return {"info": info, "movie_data": answer["movie_data"]}


def series_info(answer: Any) -> Any:
    """Seasons numbered from 0 (episode keys still from 1) and episodes as a list of lists."""
    if not isinstance(answer, dict):
        return answer
    seasons = [dict(s, season_number=s["season_number"] - 1) for s in answer.get("seasons") or []]
    episodes = [rows for _, rows in sorted(answer["episodes"].items(), key=lambda kv: int(kv[0]))]
    return {"seasons": seasons, "info": answer["info"], "episodes": episodes}
