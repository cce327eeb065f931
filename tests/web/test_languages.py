"""The language pages speak, over the real app: chosen from Accept-Language, overridden per
browser in Settings, with French dates, times, durations and numbers formatted by Babel, and
the errors of the layers below shown in the reader's language."""

from __future__ import annotations

import html
import json
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from xtplay.errors import MalformedResponse, ProviderUnreachable, TooManyConnections
from xtplay.i18n import N_, Phrase
from xtplay.library import history
from xtplay.web import locale, views

FR = {"accept-language": "fr-FR,fr;q=0.9,en;q=0.5"}


def _lang(page) -> str:
    match = re.search(r'<html lang="(\w+)"', page.text)
    assert match, "no <html lang>"
    return match.group(1)


def test_the_browser_language_is_negotiated():
    assert locale.from_header("fr-CA, en;q=0.8") == "fr"
    assert locale.from_header("de-DE, fr;q=0.7, en;q=0.8") == "en"  # English is preferred to French here
    assert locale.from_header("de, fr;q=0.5") == "fr"
    assert locale.from_header("fr;q=0, en") == "en"
    assert locale.from_header("ja") == locale.from_header("") == locale.from_header(None) == "en"
    assert locale.from_header("*;q=0.1, garbage;;q=x") == "en"


def test_accept_language_fr_gives_french_pages(browse_client):
    page = browse_client.get("/live", headers=FR)
    assert page.status_code == 200 and _lang(page) == "fr"
    text = html.unescape(page.text)
    assert "<h1>TV en direct" in text and ">Réglages</a>" in text and "Aller au contenu" in text
    assert "Live TV" not in text and ">Settings<" not in text
    english = browse_client.get("/live", headers={"accept-language": "en-GB"})
    assert _lang(english) == "en" and "<h1>Live TV" in english.text and ">Settings</a>" in english.text


def test_the_scripts_get_their_sentences_in_the_page_language(browse_client):
    page = html.unescape(browse_client.get("/live", headers=FR).text)
    match = re.search(r"data-messages='([^']*)'", page)
    assert match, "no data-messages on the page"
    messages = json.loads(match.group(1))
    assert messages["No channel {n}"] == "Pas de chaîne {n}" and messages["Mute"] == "Couper le son"
    assert "data-messages" not in browse_client.get("/live").text  # English needs no table


def test_the_settings_choice_wins_over_the_header_for_this_browser_only(browse_client):
    assert _lang(browse_client.get("/settings", headers=FR)) == "fr"
    saved = browse_client.post_form("/settings/language", {"language": "en"}, headers=FR, follow_redirects=False)
    assert saved.status_code == 303
    page = browse_client.get("/settings", headers=FR)
    assert _lang(page) == "en" and "<h1>Settings for" in page.text
    assert re.search(r'<option value="en" lang="en" selected>English</option>', page.text)
    # Another browser (its own session) still follows its header.
    kept = dict(browse_client.cookies)
    browse_client.cookies.clear()
    assert _lang(browse_client.get("/settings", headers=FR)) == "fr"
    browse_client.cookies.update(kept)
    # The French choice wins over an English header; "Automatic" follows the header again.
    browse_client.post_form("/settings/language", {"language": "fr"})
    french = browse_client.get("/settings", headers={"accept-language": "en"})
    assert _lang(french) == "fr" and "Réglages de «\u00a0Local\u00a0»" in html.unescape(french.text)
    browse_client.post_form("/settings/language", {"language": ""})
    assert _lang(browse_client.get("/settings", headers={"accept-language": "en"})) == "en"
    assert browse_client.post_form("/settings/language", {"language": "xx"}).status_code == 422


def test_french_dates_durations_and_numbers(browse_client, browse_library):
    conn, pid = browse_library.conn, browse_library.profile.id
    history.record(conn, pid, "movie", "1", 3000, 6000)
    page = html.unescape(browse_client.get("/history", headers=FR).text)
    assert "arrêté à 50:00 sur 1:40:00" in page
    assert re.search(r"· (à l'instant|il y a \d+ (seconde|minute)s?)", page)
    movies = html.unescape(browse_client.get("/movies", headers=FR).text)
    assert "★ 7,5" in movies and "★ 7.5" not in movies  # Café Crème's rating, French decimal comma
    assert "★ 7.5" in browse_client.get("/movies").text
    guide_days = html.unescape(browse_client.get("/guide/channel/4", headers=FR).text)  # 3 days of archive
    assert "Aujourd'hui" in guide_days and "Demain" in guide_days and "Hier" in guide_days
    assert re.search(r">\s*(lun|mar|mer|jeu|ven|sam|dim)\. \d\d [a-zéû]+\.?</a>", guide_days)
    assert not re.search(r">\s*(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d [A-Z][a-z]+</a>", guide_days)


def test_the_formatters_speak_the_language_in_force():
    at = datetime(2026, 12, 7, 20, 5, tzinfo=UTC)
    with locale.speaking("fr"):
        assert views.runtime(7620) == "2 h 07 min" and views.runtime(1320) == "22 min"
        assert views.clock(at, UTC) == "20:05"
        assert views.day(at, UTC) == "lun. 07 déc."
        assert views.age(datetime.now(UTC) - timedelta(minutes=3, seconds=5)) == "il y a 3 minutes"
        assert views.age(datetime.now(UTC) - timedelta(days=2, hours=1)) == "il y a 2 jours"
        assert views.seconds(12.34) == "12,3 s" and views.decimal(7.5) == "7,5"
    assert views.day(at, UTC) == "Mon 07 Dec" and views.age(datetime.now(UTC) - timedelta(hours=2)) == "2 hours ago"
    assert views.runtime(7620) == "2 h 07 min" and views.seconds(12.34) == "12.3 s"


def test_errors_of_the_layers_below_are_translated_with_their_values():
    error = ProviderUnreachable("panel.example", "connection refused")
    assert str(error) == ("Cannot reach the server panel.example (connection refused). "
                          "Check the address and your network.")
    busy = TooManyConnections("panel.example", max_connections=2, active_connections=2)
    with locale.speaking("fr"):
        assert locale.describe(error) == ("Impossible de joindre le serveur panel.example (connection refused). "
                                          "Vérifiez l'adresse et votre réseau.")
        # A sentence kept as English text (a stored sync error, a cached check) is read back too.
        assert locale.translated(str(busy)).startswith("Trop de connexions\u00a0: 2 utilisées sur 2.")
        assert locale.translated("The provider's own words") == "The provider's own words"
    assert locale.describe(error) == str(error)


def test_error_pages_speak_french(browse_client):
    page = browse_client.get("/movies/999999", headers=FR)
    assert page.status_code == 404 and _lang(page) == "fr"
    assert "Ce film n'est pas dans la bibliothèque" in html.unescape(page.text)
    missing = browse_client.get("/no/such/page", headers={**FR, "accept": "application/json"})
    assert missing.json()["error"] == "Introuvable"


def test_concurrent_requests_keep_their_own_language(browse_client):
    headers = [FR if i % 2 else {"accept-language": "en"} for i in range(24)]

    def fetch(h):
        page = browse_client.get("/live", headers=h)
        return _lang(page), ("TV en direct" in page.text), ("Live TV" in page.text)

    with ThreadPoolExecutor(max_workers=6) as pool:
        seen = list(pool.map(fetch, headers))
    for h, (lang, french, english) in zip(headers, seen, strict=True):
        assert (lang, french, english) == (("fr", True, False) if h is FR else ("en", False, True))


def test_form_errors_of_the_profile_checks_speak_french(browse_client):
    page = browse_client.post_form("/profiles", {"name": "Salon", "url": "ftp://panel.example", "username": "u",
                                                 "password": "p"}, headers=FR)
    text = html.unescape(page.text)
    assert page.status_code in (400, 422) and _lang(page) == "fr"
    assert "L'URL du serveur doit commencer par http:// ou https://, pas par ftp://." in text
    english = browse_client.post_form("/profiles", {"name": "Salon", "url": "ftp://panel.example", "username": "u",
                                                    "password": "p"})
    assert "The server URL must start with http:// or https://, not ftp://." in html.unescape(english.text)


def test_a_rarer_error_is_shown_in_french_with_its_parts(web_client, playlist_server):
    page = playlist_server.put("/page.m3u", "<html><body>Log in</body></html>", content_type="text/html")
    headers = {"X-CSRF-Token": web_client.csrf, "HX-Request": "true"}
    french = html.unescape(web_client.post("/profiles/playlist/test", data={"m3u": page}, headers={**headers, **FR}).text)
    assert re.search(r"L'adresse sur \S+ a renvoyé une page web, pas une playlist\.", french), french
    assert "returned a web page" not in french
    english = html.unescape(web_client.post("/profiles/playlist/test", data={"m3u": page}, headers=headers).text)
    assert re.search(r"The address at \S+ returned a web page, not a playlist\.", english), english
    # A part made of parts (what the provider sent instead of a list) is translated whole.
    error = MalformedResponse("panel.example", Phrase(N_("the login answer where %(what)s was expected"),
                                                      {"what": Phrase(N_("a channel list"))}))
    assert str(error).startswith("The server panel.example sent the login answer where a channel list was expected ")
    with locale.speaking("fr"):
        assert "la réponse de connexion là où une liste de chaînes était attendue" in locale.describe(error)
        # ...and so is one kept as English text (a stored sync error), parts included.
        assert locale.translated("The file list.m3u is empty.") == "Le fichier list.m3u est vide."
