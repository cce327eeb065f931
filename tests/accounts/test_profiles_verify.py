"""Saving verifies the login against the real demo provider; each failure has its own message."""

from __future__ import annotations

import dataclasses

import pytest

from tests.plugins.processes import free_port
from xtplay.accounts import profiles
from xtplay.accounts.source import source_for
from xtplay.config import RetryPolicy, Timeouts
from xtplay.errors import (
    AccountInactive,
    MalformedResponse,
    ProviderServerError,
    ProviderTimeout,
    ProviderUnreachable,
    WrongCredentials,
)


@pytest.fixture
def quick(settings):
    """Settings with short time limits and a single try, so fault tests stay fast."""
    return dataclasses.replace(
        settings,
        timeouts=Timeouts(connect=1.0, read=1.0, list_read=2.0, write=1.0, pool=1.0),
        retry=RetryPolicy(attempts=1, initial=0.01, maximum=0.01, jitter=0.0),
    )


async def _add(conn, vault, settings, demo, **kw):
    fields = {"name": "Demo", "url": demo.url, "username": demo.username, "password": demo.password} | kw
    return await profiles.add_profile(conn, vault, settings, **fields)


async def test_verified_profile_keeps_the_account_info(library, vault, quick, demo):
    p = await _add(library, vault, quick, demo, url=demo.url + "/player_api.php?username=x")
    assert p.url == demo.url
    account = p.account
    assert account["status"] == "active"
    for key in ("exp_date", "is_trial", "active_connections", "max_connections", "allowed_output_formats",
                "server_timezone", "server_time"):
        assert key in account
    assert isinstance(account["allowed_output_formats"], list)
    assert p.account_checked_at is not None


@pytest.mark.parametrize(
    ("fault", "error", "words"),
    [
        ("expired", AccountInactive, "expired"),
        ("banned", AccountInactive, "banned"),
        ("disabled", AccountInactive, "disabled"),
        ("html", MalformedResponse, "instead of Xtream data"),
        ("malformed", MalformedResponse, "instead of Xtream data"),
        ("http500", ProviderServerError, "HTTP 500"),
        ("timeout", ProviderTimeout, "did not answer"),
    ],
)
async def test_each_provider_failure_is_refused_with_its_message(library, vault, quick, demo, fault, error, words):
    demo.set_fault(fault)
    with pytest.raises(error) as caught:
        await _add(library, vault, quick, demo)
    assert words in str(caught.value)
    assert demo.password not in str(caught.value)
    assert profiles.list_profiles(library) == []


async def test_expired_account_message_gives_the_date(library, vault, quick, demo):
    demo.set_fault("expired")
    with pytest.raises(AccountInactive) as caught:
        await _add(library, vault, quick, demo)
    assert caught.value.status == "expired"
    if caught.value.exp_date is not None:
        assert f"{caught.value.exp_date:%Y-%m-%d}" in str(caught.value)


async def test_wrong_password_and_unreachable_server_save_nothing(library, vault, quick, demo):
    with pytest.raises(WrongCredentials, match="Wrong username or password"):
        await _add(library, vault, quick, demo, password="not-" + demo.password)
    with pytest.raises(ProviderUnreachable, match="Cannot reach"):
        await _add(library, vault, quick, demo, url=f"http://127.0.0.1:{free_port()}")
    assert profiles.list_profiles(library) == []


async def test_no_verify_saves_for_an_unreachable_server(library, vault, quick):
    p = await profiles.add_profile(library, vault, quick, name="Offline", url=f"127.0.0.1:{free_port()}",
                                   username="u", password="pw-offline", verify=False)
    assert p.account is None and profiles.get_profile(library, "offline").id == p.id


async def test_edit_reverifies_changed_credentials_and_keeps_old_ones_on_failure(demo_profile, quick, demo):
    _, conn, vault, profile = demo_profile
    with pytest.raises(WrongCredentials):
        await profiles.edit_profile(conn, vault, quick, profile, password="wrong-" + demo.password)
    with pytest.raises(ProviderUnreachable):
        await profiles.edit_profile(conn, vault, quick, profile, url=f"127.0.0.1:{free_port()}")
    assert profiles.stream_credentials(conn, vault, profile) == (demo.url, demo.username, demo.password)
    # a change that needs no login is saved without one, even while the server is down
    demo.set_fault("http500")
    renamed = await profiles.edit_profile(conn, vault, quick, profile, name="Demo TV")
    assert renamed.name == "Demo TV"


async def test_test_refreshes_account_info_and_records_inactive_status(demo_profile, quick, demo):
    _, conn, vault, profile = demo_profile
    before = profiles.get_profile(conn, profile.id).account_checked_at
    account = await profiles.test_profile(conn, vault, quick, profile)
    assert account.status == "active"
    assert profiles.get_profile(conn, profile.id).account_checked_at >= before
    demo.set_fault("expired")
    with pytest.raises(AccountInactive):
        await profiles.test_profile(conn, vault, quick, profile)
    assert profiles.get_profile(conn, profile.id).account["status"] == "expired"


async def test_source_for_logs_in_with_the_stored_password(demo_profile, demo):
    settings, conn, vault, profile = demo_profile
    async with source_for(conn, vault, settings, profile) as client:
        account = await client.login()
    assert account.status == "active"
    assert demo.password not in repr(client)


async def test_check_login_saves_nothing(library, quick, demo):
    account = await profiles.check_login(quick, demo.url + "/", demo.username, demo.password)
    assert account.status == "active"
    with pytest.raises(WrongCredentials):
        await profiles.check_login(quick, demo.url, demo.username, "nope-" + demo.password)
    assert profiles.list_profiles(library) == []
