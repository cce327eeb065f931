"""No credential in a log line: xtplay.logs.redact, and the client's own requests and errors."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from xtplay import logs
from xtplay.config import RetryPolicy, Settings, Timeouts
from xtplay.errors import XtplayError
from xtplay.logs import MASK, redact, register_secret
from xtplay.sources.xtream import XtreamClient


@pytest.mark.parametrize("text,secret", [
    ("GET http://h:8080/player_api.php?username=bob&password=hunter22&action=get_live_streams", "hunter22"),
    ("http://h/get.php?password=p%40ss%2Bword&username=bob&type=m3u_plus", "p%40ss%2Bword"),
    ("http://h/xmltv.php?username=bob&PASSWORD=Upper99", "Upper99"),
    ("url='http://h/streaming/timeshift.php?username=bob&pass=x9y8z7&stream=1'", "x9y8z7"),
    ("http://h/live/bob/s3cr3t/12.ts", "s3cr3t"),
    ("http://h/live/bob/s3cr3t/12.m3u8?token=abc", "s3cr3t"),
    ("http://h/movie/bob/m0vie-pw/42.mkv", "m0vie-pw"),
    ("http://h/series/bob/ser1es.pw/7.mp4", "ser1es.pw"),
    ("http://h/timeshift/bob/t1me_pw/90/2026-09-06:14-00/3.ts", "t1me_pw"),
    ("http://h:8080/bob/short-pw/123.ts", "short-pw"),
    ("http://h/sub/path/live/bob/nested-pw/1.ts and more", "nested-pw"),
])
def test_redact_masks_credentials_in_urls(text, secret):
    out = redact(text)
    assert secret not in out
    assert MASK in out


def test_redact_keeps_what_is_not_secret():
    text = "GET http://h:8080/player_api.php?username=bob&action=get_vod_info&vod_id=42 -> 200"
    assert redact(text) == text
    path = "http://h/live/bob/PASS/12.ts"
    assert redact(path) == "http://h/live/bob/***/12.ts"  # user and id stay readable


def test_registered_secret_is_masked_anywhere():
    register_secret("zebra-Quokka-77")
    try:
        assert redact("oops: zebra-Quokka-77 leaked in a message") == f"oops: {MASK} leaked in a message"
        assert "zebra-Quokka-77" not in redact('{"password": "zebra-Quokka-77"}')
    finally:
        logs.forget_secret("zebra-Quokka-77")
    assert redact("zebra-Quokka-77") == "zebra-Quokka-77"


def test_redacting_filter_masks_args_and_tracebacks():
    record = logging.LogRecord("t", logging.ERROR, __file__, 1, "calling %s", ("http://h/movie/u/p4ss/1.mp4",), None)
    try:
        raise RuntimeError("failed for http://h/get.php?username=u&password=p4ss")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    assert logs.RedactingFilter().filter(record)
    assert "p4ss" not in record.getMessage() and "p4ss" not in record.exc_text


PASSWORD = "Sekr1t-Unique-Pw"


@pytest.fixture
def quick(tmp_path) -> Settings:
    return Settings(home=tmp_path, timeouts=Timeouts(connect=1.0, read=0.3, list_read=5.0),
                    retry=RetryPolicy(attempts=2, initial=0.01, maximum=0.02, jitter=0.01))


async def test_client_requests_and_errors_never_log_the_password(scripted, quick, caplog):
    """Every request line (ours and httpx's own) and every error is logged without the password."""
    from tests.plugins.client import Reply

    scripted.on("login", Reply("", status=500), Reply('{"user_info": {"auth": 1, "username": "bob", "status": "Active"}}'))
    scripted.on("get_live_streams", Reply("<html>blocked</html>"))
    scripted.on("get_vod_info", Reply(hang=1.0))
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # setup_logging, run by earlier tests, quiets httpx
    errors: list[XtplayError] = []
    async with XtreamClient(scripted.url, "bob", PASSWORD, settings=quick) as client:
        await client.login()
        for call in (client.live_streams, lambda: client.vod_info(1)):
            with pytest.raises(XtplayError) as info:
                await call()
            errors.append(info.value)
        assert PASSWORD not in repr(client) and PASSWORD not in repr(client.urls)
        live_url = client.urls.live(1)
    assert PASSWORD in live_url  # the URL itself is for playback only
    assert scripted.requests and all(r.query.get("password") == PASSWORD for r in scripted.requests)
    messages = [record.getMessage() for record in caplog.records]
    assert any("player_api.php" in m for m in messages), "requests are logged"
    assert any("retry" in m for m in messages), "the retry is logged"
    assert any(r.name == "httpx" for r in caplog.records), "httpx's own request lines are captured too"
    assert PASSWORD not in caplog.text
    for message in messages:
        assert PASSWORD not in message
    for error in errors:
        assert PASSWORD not in str(error) and PASSWORD not in repr(error)
    assert any("password=***" in m for m in messages)


async def test_log_file_has_no_password(scripted, quick, tmp_path):
    """With the app's logging set up, the log file records requests without the password."""
    scripted.on("login", '{"user_info": {"auth": 0}}')
    logs.setup_logging(tmp_path / "logs", verbose=False)
    try:
        async with XtreamClient(scripted.url, "bob", PASSWORD, settings=quick) as client:
            with pytest.raises(XtplayError):
                await client.login()
            logging.getLogger("xtplay.test").warning("stream %s", client.urls.timeshift(1, datetime.now(UTC), 30))
    finally:
        root = logging.getLogger()
        for handler in list(root.handlers):
            if getattr(handler, "_xtplay", False):
                root.removeHandler(handler)
                handler.close()
    text = (tmp_path / "logs" / "xtplay.log").read_text()
    assert "player_api.php" in text and "/timeshift/bob/***/30/" in text
    assert PASSWORD not in text


@pytest.mark.parametrize("logger", ["httpx", "httpcore.http11", "xtplay.sources.http", "xtplay.sources.xtream"])
def test_client_loggers_redact_even_without_the_app_handlers(caplog, logger):
    """pytest's caplog (or any foreign handler) has no redacting filter; the loggers do."""
    import xtplay.sources.http  # noqa: F401  (installs the logger filters)

    caplog.set_level(logging.DEBUG)
    logging.getLogger(logger).warning("GET %s", f"http://h/movie/bob/{PASSWORD}/1.mkv?password={PASSWORD}")
    assert caplog.records and PASSWORD not in caplog.text
    assert "/movie/bob/***/1.mkv?password=***" in caplog.records[-1].getMessage()
