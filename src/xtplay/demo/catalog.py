"""The demo provider's catalog: a deterministic, realistic Xtream lineup.

Every row is a pure function of ``(seed, id)``, so the whole catalog never has to live in
memory: full lists are generated once, serialised once with orjson and kept as bytes; detail
calls (``get_vod_info``, ``get_series_info``) regenerate their row on demand. Rows use the raw
Xtream shapes, quirks included (numbers as strings, ``""`` for a missing rating, null EPG ids,
upper-case ``MKV``), as described in ``shared/docs/xtream-api.md``.
"""

from __future__ import annotations

import hashlib
import random
from array import array
from dataclasses import dataclass
from typing import Any

import orjson

from xtplay.demo.media import SECONDS as MEDIA_SECONDS
from xtplay.demo.revision import CHANGED_MARK, NO_CHANGES, MovieChanges, movie_changes

#: Unix time the generated "added" dates are spread before (fixed: output must not drift).
EPOCH = 1_735_689_600  # 2025-01-01 UTC
#: Live stream ids with a fixed meaning (see the common brief).
DEMO_ONE, DEMO_TWO, XSS_CHANNEL, SKY_PL, CAFE_CHANNEL = 1, 2, 3, 4, 5
XSS_NAME = "<img src=x onerror=alert(1)>"

LIVE_CATEGORIES = [
    ("1", "UK | ENTERTAINMENT"), ("2", "UK | SPORTS"), ("3", "UK | NEWS"), ("4", "FR: GÉNÉRALISTES"),
    ("5", "DE | NACHRICHTEN"), ("6", "AR | القنوات العربية"), ("7", "RU | РОССИЯ"), ("8", "JP | 日本"),
    ("9", "KIDS"), ("10", "MUSIC"), ("11", "4K | ULTRA HD"), ("12", "XXX | ADULTS"), ("13", "EMPTY | TEST"),
]
VOD_CATEGORIES = [
    ("101", "EN - ACTION"), ("102", "EN - COMEDY"), ("103", "EN - DRAMA"), ("104", "FR: FILMS"),
    ("105", "DE | FILME"), ("106", "KIDS MOVIES"), ("107", "4K MOVIES"), ("108", "ES | PELÍCULAS"),
    ("109", "XXX | ADULT MOVIES"), ("110", "EN - CLASSICS"), ("111", "SHORT FILMS"), ("112", "DOCUMENTARIES"),
]
SERIES_CATEGORIES = [
    ("201", "EN - SERIES"), ("202", "FR: SÉRIES"), ("203", "DE | SERIEN"), ("204", "KIDS SERIES"),
    ("205", "DOCUMENTARIES"), ("206", "TR | DİZİLER"),
]
_ADULT_CATEGORIES = {"12", "109"}

_LIVE_NAMES = {
    "1": ["BBC One", "ITV", "Channel 4", "Sky One", "Dave", "E4", "Gold", "Comedy Central"],
    "2": ["Sky Sports Main Event", "Sky Sports F1", "BT Sport 1", "Eurosport 1", "Premier Sports", "TNT Sports 2"],
    "3": ["BBC News", "Sky News", "GB News", "Al Jazeera English", "CNN International"],
    "4": ["TF1", "France 2", "M6", "Canal+", "Arte", "Café Crème TV", "TMC", "Chérie 25"],
    "5": ["Das Erste", "ZDF", "n-tv", "WELT", "Tagesschau24", "Phoenix"],
    "6": ["الجزيرة", "العربية", "MBC 1", "روتانا سينما", "دبي"],
    "7": ["Первый канал", "Россия 1", "НТВ", "СТС", "Пятница"],
    "8": ["NHK 総合", "日本テレビ", "テレビ朝日", "フジテレビ", "TBS"],
    "9": ["Cartoon Network", "Nickelodeon", "Disney Junior", "Baby TV", "Boomerang"],
    "10": ["MTV Hits", "VH1 Classic", "Kiss TV", "Trace Urban", "Mezzo"],
    "11": ["Nature 4K", "Travel UHD", "Sports 4K", "Insight UHD"],
    "12": ["Adult Channel", "Late Night"],
}
_LIVE_PREFIX = {"1": "UK | ", "2": "UK | ", "3": "UK | ", "4": "FR: ", "5": "DE | ", "6": "AR | ",
                "7": "RU | ", "8": "JP | ", "9": "", "10": "", "11": "4K | ", "12": ""}
_TAGS = ["", "", " HD", " FHD", " SD", " 4K", " HEVC", " +1", " (Backup)"]
_WORDS = ["Shadow", "River", "Night", "Crème", "Empire", "Silent", "Golden", "Winter", "Lost", "Fire",
          "Mirror", "Storm", "Paris", "Tokyo", "Garden", "Secret", "Iron", "Blue", "Last", "Wild",
          "Château", "Straße", "Éclair", "Dragon", "Ocean", "City", "Heart", "Road", "Dream", "Stone",
          "Москва", "東京", "القمر", "Sol", "Niño", "Ghost", "King", "Queen", "Echo", "Signal"]
_GENRES = ["Action", "Comedy", "Drama", "Thriller", "Horror", "Science Fiction", "Romance",
           "Animation", "Documentary", "Crime", "Adventure", "Family", "Fantasy", "Mystery"]
_PEOPLE = ["Ava Stone", "Liam Carter", "Chloé Martin", "Jürgen Weiß", "Sofia Álvarez", "Kenji Sato",
           "Olivia Brown", "Noah Wilson", "Amélie Dubois", "Mateo García", "Yuki Tanaka", "Emma Clarke",
           "Omar Haddad", "Ivan Petrov", "Grace Lee", "Lucas Moreau"]
_COUNTRIES = ["United Kingdom", "France", "Germany", "United States", "Spain", "Japan", "Canada"]


def _rng(seed: int, kind: int, ident: int) -> random.Random:
    """A private generator for one row, so any row can be rebuilt alone."""
    return random.Random((seed * 1_000_003 + kind) * 10_000_019 + ident)


def mix(seed: int, kind: int, ident: int) -> int:
    """A cheap deterministic hash (splitmix64 finaliser) for one-off choices on hot paths."""
    z = (seed * 0x9E3779B97F4A7C15 + kind * 0xBF58476D1CE4E5B9 + ident * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return z ^ (z >> 31)


def _combos(pool: list[str], k_min: int, k_max: int, count: int = 257) -> list[str]:
    """Pre-joined random combinations, so rows pick one by index instead of sampling."""
    r = random.Random(pool[0])
    return [", ".join(r.sample(pool, r.randint(k_min, k_max))) for _ in range(count)]


_GENRE_COMBOS = _combos(_GENRES, 1, 3)
_CAST_COMBOS = _combos(_PEOPLE, 3, 4)


def _title(r: random.Random, words: int) -> str:
    n = len(_WORDS)
    return " ".join(_WORDS[int(r.random() * n)] for _ in range(words))


def _hms(secs: int) -> str:
    """``HH:MM:SS``, as panels write a duration."""
    return f"{secs // 3600:02d}:{secs % 3600 // 60:02d}:{secs % 60:02d}"


@dataclass(frozen=True, slots=True)
class MovieMedia:
    """Which generated media file plays a movie or episode."""

    key: str  # a key of media.MEDIA_FILES
    container: str  # container_extension as the provider announces it


class Catalog:
    """Generated rows for one provider: ``live`` channels, ``vod`` movies, ``series`` shows."""

    def __init__(self, *, live: int, vod: int, series: int, seed: int = 1, base_url: str = "") -> None:
        self.live_count, self.vod_count, self.series_count = max(live, 5), max(vod, 4), max(series, 1)
        self.seed = seed
        self.base_url = base_url.rstrip("/")
        #: which version of the movie list is served (:mod:`xtplay.demo.revision`)
        self.revision = 0
        self.changes: MovieChanges = NO_CHANGES
        self._cache: dict[tuple[str, str | None, int], bytes] = {}
        self._etags: dict[tuple[str, str | None, int], str] = {}
        # category of each id (index = id - 1), kept compact for lazy per-category lists
        self._live_cat = array("H", (int(self._live_category(i)) for i in range(1, self.live_count + 1)))
        self._vod_cat = array("H", (int(self._vod_category(i)) for i in range(1, self.vod_count + 1)))
        self._series_cat = array("H", (int(self._series_category(i)) for i in range(1, self.series_count + 1)))

    def revise(self, revision: int) -> MovieChanges:
        """Serve ``revision`` of the movie list from now on; returns its changes. The lists of
        every revision served are kept, so switching back and forth costs nothing."""
        changes = movie_changes(self.seed, self.vod_count, revision)
        self.revision, self.changes = revision, changes
        return changes

    def has_movie(self, i: int) -> bool:
        """Whether movie ``i`` is in the list the catalog serves now."""
        return (1 <= i <= self.vod_count and i not in self.changes.removed) or i in self.changes.added

    def movie_ids(self) -> list[int]:
        """The ids of the movie list served now (the revision's removed ones gone, added ones last)."""
        removed = self.changes.removed
        return [i for i in range(1, self.vod_count + 1) if i not in removed] + list(self.changes.added)

    # ---- categories -------------------------------------------------------------------------
    def _live_category(self, i: int) -> str:
        fixed = {DEMO_ONE: "1", DEMO_TWO: "1", XSS_CHANNEL: "1", SKY_PL: "2", CAFE_CHANNEL: "4"}
        if i in fixed:
            return fixed[i]
        if i % 97 == 0:
            return "0"  # orphan: null category_id
        return str(1 + mix(self.seed, 1, i) % 12)

    def _vod_category(self, i: int) -> str:
        if i <= 5:
            return "101"
        if i % 89 == 0:
            return "0"
        # small categories beside the large ones, as real panels have: about 0.05 %, 0.5 % and 2 %
        for cid, every in (("111", 1999), ("110", 211), ("112", 53)):
            if i % every == 0:
                return cid
        return str(101 + mix(self.seed, 2, i) % 9)

    def _series_category(self, i: int) -> str:
        if i == 1:
            return "201"
        return str(201 + mix(self.seed, 3, i) % 6)

    @staticmethod
    def categories(kind: str) -> list[dict[str, Any]]:
        """Category rows for ``live``, ``vod`` or ``series`` (ids as strings, parent_id int 0)."""
        table = {"live": LIVE_CATEGORIES, "vod": VOD_CATEGORIES, "series": SERIES_CATEGORIES}[kind]
        return [{"category_id": cid, "category_name": name, "parent_id": 0} for cid, name in table]

    def icon(self, kind: str, ident: int) -> str:
        """Absolute URL of a generated logo or poster on this provider."""
        return f"{self.base_url}/images/{kind}/{ident}.png"

    # ---- live -------------------------------------------------------------------------------
    def live_row(self, i: int, num: int | None = None) -> dict[str, Any]:
        """The ``get_live_streams`` row of channel ``i``."""
        r = _rng(self.seed, 11, i)
        cat = self._live_category(i)
        epg: str | None
        if i == DEMO_ONE:
            name, epg, archive, days = "Demo One HD", "demo.one", 1, 3
        elif i == DEMO_TWO:
            name, epg, archive, days = "Demo Two", "demo.two", 0, 0
        elif i == XSS_CHANNEL:
            name, epg, archive, days = XSS_NAME, "demo.xss", 0, 0
        elif i == SKY_PL:
            name, epg, archive, days = "UK | Sky Sports Premier League HD", "skysportspl.uk", 1, 7
        elif i == CAFE_CHANNEL:
            name, epg, archive, days = "FR: Café Crème TV", "cafecreme.fr", 1, 2
        else:
            pool = _LIVE_NAMES.get(cat) or _LIVE_NAMES["1"]
            base = r.choice(pool)
            name = f"{_LIVE_PREFIX.get(cat, '')}{base}{r.choice(_TAGS)}"
            if r.random() < 0.3:
                name = f"{name} {i}"
            epg = None if r.random() < 0.25 else f"{base.lower().replace(' ', '')}.{i}"
            archive = 1 if r.random() < 0.2 else 0
            days = r.choice([1, 2, 3, 5, 7]) if archive else 0
        is_adult = cat in _ADULT_CATEGORIES
        return {
            "num": num if num is not None else i,
            "name": name,
            "stream_type": "radio_streams" if (i > 5 and i % 53 == 0) else "live",
            "stream_id": i,
            "stream_icon": "" if (i > 5 and i % 7 == 0) else self.icon("live", i),
            "epg_channel_id": epg,
            "added": str(EPOCH - r.randrange(3 * 365 * 86400)),
            "is_adult": ("1" if is_adult else "0") if i % 2 else int(is_adult),
            "category_id": None if cat == "0" else cat,
            "category_ids": [] if cat == "0" else [int(cat)],
            "custom_sid": "",
            "tv_archive": archive,
            "direct_source": "",
            # quirk: the depth arrives as a string on some rows
            "tv_archive_duration": str(days) if i % 3 == 0 else days,
        }

    # ---- movies -----------------------------------------------------------------------------
    def movie_media(self, i: int) -> MovieMedia:
        """The file and announced container of movie ``i``."""
        fixed = {1: MovieMedia("h264_aac_mp4", "mp4"), 2: MovieMedia("h264_ac3_mkv", "mkv"),
                 3: MovieMedia("hevc_aac_mp4", "mp4"), 4: MovieMedia("h264_aac_mkv", "mkv"),
                 5: MovieMedia("h264_multi_mkv", "mkv")}
        if i in fixed:
            return fixed[i]
        pick = mix(self.seed, 21, i) % 1000 / 1000
        if pick < 0.65:
            return MovieMedia("h264_aac_mp4", "mp4")
        if pick < 0.8:
            return MovieMedia("h264_aac_mkv", "mkv")
        if pick < 0.9:
            return MovieMedia("h264_ac3_mkv", "MKV")  # quirk: upper-case extension
        return MovieMedia("hevc_aac_mp4", "mp4")

    def _movie_meta(self, i: int) -> dict[str, Any]:
        # two 64-bit hashes give every choice; cheaper than a seeded Random per row (100k rows)
        h, g = mix(self.seed, 22, i), mix(self.seed, 23, i)
        fixed = {1: "Big Demo Movie (2021)", 2: "Café Crème (2019)", 3: "HEVC Horizons 4K (2023)",
                 4: "Matroska Nights (2018)", 5: "Two Voices (2020)"}
        year = 1960 + h % 66
        n = len(_WORDS)
        words = [_WORDS[(h >> (8 + 6 * k)) % n] for k in range(1 + (h >> 7) % 3)]
        title = fixed.get(i) or f"{' '.join(words)} ({year})"
        if i in self.changes.changed:
            title += CHANGED_MARK
        if i in fixed:
            year = int(title[-5:-1])
        if i > 5 and (h >> 40) % 100 < 15:
            title = f"{('EN - ', 'FR - ', 'DE - ', '4K - ')[(h >> 47) % 4]}{title}"
        rating = round(3.0 + (h >> 50) % 67 / 10, 1)
        genre = _GENRE_COMBOS[g % 257]
        return {"name": title, "year": year, "rating": rating, "genre": genre,
                "cast": _CAST_COMBOS[(g >> 9) % 257], "director": _PEOPLE[(g >> 18) % len(_PEOPLE)],
                "plot": f"A {genre.split(',')[0].lower()} story about {_WORDS[(g >> 22) % n].lower()} and "
                        f"{_WORDS[(g >> 28) % n].lower()}, set in {_COUNTRIES[(g >> 34) % len(_COUNTRIES)]}.",
                "duration": MEDIA_SECONDS, "country": _COUNTRIES[(g >> 5) % len(_COUNTRIES)],
                "added": EPOCH - (g >> 3) % (2 * 365 * 86400), "rating_kind": (g >> 13) % 10}

    def movie_row(self, i: int, num: int | None = None) -> dict[str, Any]:
        """The ``get_vod_streams`` row of movie ``i``."""
        m = self._movie_meta(i)
        cat = self._vod_category(i)
        kind = m["rating_kind"]
        # quirks: "7.6" (XC 2.x), 5.5 (XUI), "" (missing), "7,5" (decimal comma)
        rating: Any = "" if kind == 0 else (m["rating"] if kind < 4 else (
            str(m["rating"]).replace(".", ",") if kind == 4 else str(m["rating"])))
        return {
            "num": num if num is not None else i,
            "name": m["name"],
            "title": m["name"],
            "year": str(m["year"]),
            "stream_type": "movie",
            "stream_id": i,
            "stream_icon": self.icon("movie", i),
            "rating": rating,
            "rating_5based": round(m["rating"] / 2, 1),
            "added": str(m["added"]),
            "is_adult": 1 if cat in _ADULT_CATEGORIES else 0,
            "category_id": None if cat == "0" else cat,
            "category_ids": [] if cat == "0" else [int(cat)],
            "container_extension": self.movie_media(i).container,
            "custom_sid": None,
            "direct_source": "",
            "genre": m["genre"],
            "plot": m["plot"],
            "cast": m["cast"],
        }

    def vod_info(self, i: int) -> dict[str, Any]:
        """The ``get_vod_info`` answer; ``{"info": []}`` for an unknown id as panels do."""
        if not self.has_movie(i):
            return {"info": []}
        m, row = self._movie_meta(i), self.movie_row(i)
        media = self.movie_media(i)
        codecs = {"h264_aac_mp4": ("h264", "aac"), "h264_aac_mkv": ("h264", "aac"),
                  "h264_ac3_mkv": ("h264", "ac3"), "hevc_aac_mp4": ("hevc", "aac"), "h264_multi_mkv": ("h264", "aac")}[media.key]
        secs = m["duration"]
        info = {
            "name": m["name"], "o_name": m["name"], "tmdb_id": str(10_000 + i) if i % 2 else 10_000 + i,
            "cover_big": self.icon("movie", i), "movie_image": self.icon("movie", i),
            "releasedate": f"{m['year']}-0{1 + i % 9}-1{i % 10}", "episode_run_time": secs // 60,
            "youtube_trailer": "", "director": m["director"], "actors": m["cast"], "cast": m["cast"],
            "description": m["plot"], "plot": m["plot"], "age": "", "country": m["country"],
            "genre": m["genre"], "backdrop_path": [self.icon("backdrop", i)] if i % 2 else self.icon("backdrop", i),
            "duration_secs": secs, "duration": _hms(secs),
            "video": {"codec_name": codecs[0], "width": 426, "height": 240},
            "audio": {"codec_name": codecs[1], "channels": 2},
            "bitrate": 400, "rating": str(m["rating"]),
        }
        movie_data = {k: row[k] for k in ("stream_id", "name", "title", "year", "added", "category_id",
                                          "category_ids", "container_extension", "custom_sid", "direct_source")}
        return {"info": info, "movie_data": movie_data}

    # ---- series -----------------------------------------------------------------------------
    def _series_meta(self, i: int) -> dict[str, Any]:
        r = _rng(self.seed, 31, i)
        name = "The Demo Show" if i == 1 else _title(r, r.randint(1, 3))
        if i > 1 and r.random() < 0.2:
            name = f"{r.choice(['EN - ', 'FR: ', 'DE | '])}{name}"
        seasons = 2 if i == 1 else r.randint(1, 4)
        per_season = [3] * 2 if i == 1 else [r.randint(3, 10) for _ in range(seasons)]
        meta = {"name": name, "year": r.randrange(1990, 2026), "rating": round(r.uniform(4, 9.5), 1),
                "genre": _GENRE_COMBOS[i % 257], "cast": _CAST_COMBOS[(i * 7) % 257],
                "director": r.choice(_PEOPLE), "plot": f"Season after season, {_title(r, 2).lower()} meets "
                f"{_title(r, 2).lower()}.", "per_season": per_season}
        r.choice([22, 30, 45, 60])  # the former run-time draw, kept so that the draws after it stay the same
        return {**meta, "run_time": MEDIA_SECONDS // 60, "modified": EPOCH - r.randrange(365 * 86400)}

    def series_row(self, i: int, num: int | None = None) -> dict[str, Any]:
        """The ``get_series`` row of show ``i``."""
        m = self._series_meta(i)
        cat = self._series_category(i)
        backdrop: Any = [self.icon("backdrop", i)] if i % 5 else (None if i % 2 else "")
        return {
            "num": num if num is not None else i,
            "name": m["name"], "title": m["name"], "year": str(m["year"]),
            "stream_type": "series", "series_id": i,
            "cover": self.icon("series", i), "plot": m["plot"], "cast": m["cast"], "director": m["director"],
            "genre": m["genre"], "release_date": f"{m['year']}-09-1{i % 10}", "releaseDate": f"{m['year']}-09-1{i % 10}",
            "last_modified": str(m["modified"]), "rating": str(m["rating"]), "rating_5based": round(m["rating"] / 2, 1),
            "backdrop_path": backdrop, "youtube_trailer": "", "episode_run_time": str(m["run_time"]),
            "category_id": cat, "category_ids": [int(cat)],
        }

    @staticmethod
    def episode_id(series_id: int, season: int, episode: int) -> int:
        """Globally unique episode id; the first show's six episodes are ids 1..6."""
        if series_id == 1:
            return (season - 1) * 3 + episode
        return 1_000_000 + series_id * 1000 + season * 50 + episode

    def episode_location(self, episode_id: int) -> tuple[int, int, int] | None:
        """``(series_id, season, episode)`` of an episode id, or None when it does not exist."""
        if 1 <= episode_id <= 6:
            sid, season, ep = 1, (episode_id - 1) // 3 + 1, (episode_id - 1) % 3 + 1
        else:
            rest = episode_id - 1_000_000
            sid, season, ep = rest // 1000, rest % 1000 // 50, rest % 50
            if sid < 2:
                return None
        if not 1 <= sid <= self.series_count:
            return None
        per_season = self._series_meta(sid)["per_season"]
        if not (1 <= season <= len(per_season) and 1 <= ep <= per_season[season - 1]):
            return None
        return sid, season, ep

    def episodes_of(self, series_id: int) -> list[tuple[int, int, int]]:
        """``(season, episode, episode id)`` of every episode of show ``series_id``, in order."""
        per_season = self._series_meta(series_id)["per_season"]
        return [(season, ep, self.episode_id(series_id, season, ep))
                for season, count in enumerate(per_season, start=1) for ep in range(1, count + 1)]

    def episode_media(self, episode_id: int) -> MovieMedia:
        """Episode 1 is MP4 H.264/AAC, episode 2 MKV with AC-3, episode 3 (the first show's S1E3)
        the two-language MKV (English and French audio, English subtitles); the rest alternate."""
        if episode_id == 2:
            return MovieMedia("h264_ac3_mkv", "mkv")
        if episode_id == 3:
            return MovieMedia("h264_multi_mkv", "mkv")
        if episode_id == 1 or episode_id % 3:
            return MovieMedia("h264_aac_mp4", "mp4")
        return MovieMedia("h264_aac_mkv", "mkv")

    def series_info(self, i: int) -> Any:
        """The ``get_series_info`` answer (episodes keyed by season as strings); ``[]`` when unknown."""
        if not 1 <= i <= self.series_count:
            return []
        m, row = self._series_meta(i), self.series_row(i)
        info = {k: v for k, v in row.items() if k not in ("num", "series_id", "stream_type")}
        seasons, episodes = [], {}
        for season, count in enumerate(m["per_season"], start=1):
            seasons.append({"air_date": f"{m['year'] + season - 1}-09-01", "episode_count": count, "id": i * 100 + season,
                            "name": f"Season {season}", "overview": "", "season_number": season,
                            "cover": self.icon("series", i), "cover_big": self.icon("series", i), "vote_average": 0})
            rows = []
            for ep in range(1, count + 1):
                eid = self.episode_id(i, season, ep)
                media = self.episode_media(eid)
                ep_info: Any = {
                    "air_date": f"{m['year'] + season - 1}-09-{ep:02d}",
                    "plot": f"Episode {ep} of season {season}.",
                    "duration_secs": MEDIA_SECONDS,  # every file is that long: what the details say is what plays
                    "duration": _hms(MEDIA_SECONDS),
                    "movie_image": self.icon("episode", eid),
                    "rating": m["rating"],
                    "season": season,
                    "name": f"Episode {ep}",
                }
                if i % 11 == 0 and ep == 1:
                    ep_info = []  # quirk: an episode without metadata
                rows.append(
                    {
                        "id": str(eid),
                        "episode_num": ep if i % 2 else str(ep),
                        "title": f"{m['name']} - S{season:02d}E{ep:02d} - Episode {ep}",
                        "container_extension": media.container,
                        "info": ep_info,
                        "custom_sid": "",
                        "added": "" if ep == 3 else str(m["modified"] + ep * 86400),
                        "season": season if ep % 2 else str(season),
                        "direct_source": "",
                    }
                )
            episodes[str(season)] = rows
        return {"seasons": seasons, "info": info, "episodes": episodes}

    # ---- whole lists, serialised once ---------------------------------------------------------
    def list_bytes(self, kind: str, category_id: str | None = None) -> bytes:
        """The JSON of a full or per-category list, built on first use and then cached."""
        key = (kind, category_id, self.revision if kind == "vod" else 0)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        if kind.endswith("categories"):
            data: Any = self.categories(kind.split("_")[0])
        else:
            row, cats = {
                "live": (self.live_row, self._live_cat),
                "vod": (self.movie_row, self._vod_cat),
                "series": (self.series_row, self._series_cat),
            }[kind]
            ids: Any
            if kind == "vod" and self.revision:  # a revised list: removed ids gone, added ones last
                ids = [i for i in self.movie_ids() if category_id is None or self._vod_category(i) == category_id]
            elif category_id is None:
                ids = range(1, len(cats) + 1)
            else:
                want = int(category_id) if category_id.isdigit() else -1
                ids = [n + 1 for n, c in enumerate(cats) if c == want]
            data = [row(ident, num) for num, ident in enumerate(ids, start=1)]
        body = orjson.dumps(data)
        self._cache[key] = body
        return body

    def list_answer(self, kind: str, category_id: str | None = None) -> tuple[bytes, str]:
        """:meth:`list_bytes` and its entity tag (a digest of the bytes, computed once)."""
        key = (kind, category_id, self.revision if kind == "vod" else 0)
        body = self.list_bytes(kind, category_id)
        etag = self._etags.get(key)
        if etag is None:
            etag = self._etags[key] = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        return body, etag

    def warm(self) -> None:
        """Serialise the three full lists now rather than on the first request."""
        for kind in ("live", "vod", "series"):
            self.list_bytes(kind)

    def live_ids(self) -> range:
        return range(1, self.live_count + 1)
