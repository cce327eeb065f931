"""Profile records without a provider: validation, uniqueness, edit, active profile, removal."""

from __future__ import annotations

import pytest

from xtplay import db
from xtplay.accounts import profiles
from xtplay.errors import InvalidProfile, ProfileExists, ProfileNotFound, SecretUnreadable


async def _add(conn, vault, settings, name="Home", **kw):
    fields = {"url": "tv.example.com:8080/", "username": "alice", "password": "s3cret-Pw!"} | kw
    return await profiles.add_profile(conn, vault, settings, name=name, verify=False, **fields)


async def test_add_without_verify_saves_normalised_fields(library, vault, settings):
    p = await _add(library, vault, settings, name="  My   Provider ")
    assert (p.name, p.url, p.username) == ("My Provider", "http://tv.example.com:8080", "alice")
    assert p.account is None and p.has_password and p.sync_interval_hours == 24 and not p.adult_enabled
    assert "s3cret" not in repr(p) and "password" not in p.to_dict()
    assert p in {p}  # hashable despite the account dict
    blob = library.execute("SELECT secret FROM profiles WHERE id = ?", (p.id,)).fetchone()[0]
    assert b"s3cret-Pw!" not in blob and vault.decrypt(p.id, blob) == "s3cret-Pw!"


@pytest.mark.parametrize(
    ("field", "kw"),
    [("name", {"name": "  "}), ("url", {"url": ""}), ("username", {"username": " "}), ("password", {"password": ""})],
)
async def test_all_four_fields_are_required(library, vault, settings, field, kw):
    with pytest.raises(InvalidProfile) as caught:
        await _add(library, vault, settings, **({"name": "X"} | kw))
    assert caught.value.field == field
    assert library.execute("SELECT count(*) FROM profiles").fetchone()[0] == 0


async def test_names_are_unique_case_insensitively(library, vault, settings):
    await _add(library, vault, settings, name="Home")
    with pytest.raises(ProfileExists, match="HOME"):
        await _add(library, vault, settings, name="HOME")
    assert [p.name for p in profiles.list_profiles(library)] == ["Home"]


async def test_get_by_name_any_case_or_id(library, vault, settings):
    p = await _add(library, vault, settings, name="Home")
    assert profiles.get_profile(library, "home").id == p.id
    assert profiles.get_profile(library, p.id).name == "Home"
    assert profiles.get_profile(library, str(p.id)).name == "Home"
    with pytest.raises(ProfileNotFound, match="Nope"):
        profiles.get_profile(library, "Nope")


async def test_first_profile_becomes_active_and_use_switches(settings, vault):
    conn = db.open_library(settings.db_path)
    first = await _add(conn, vault, settings, name="One")
    second = await _add(conn, vault, settings, name="Two")
    assert profiles.active_profile(conn).id == first.id
    used = profiles.use_profile(conn, "two")
    assert used.last_used_at is not None
    conn.close()
    # remembered across restarts: a new connection sees the same active profile
    again = db.open_library(settings.db_path)
    try:
        assert profiles.active_profile(again).id == second.id
    finally:
        again.close()


async def test_removing_the_active_profile_picks_another_or_none(library, vault, settings):
    await _add(library, vault, settings, name="One")
    await _add(library, vault, settings, name="Two")
    profiles.use_profile(library, "Two")
    removed = profiles.remove_profile(library, vault, "Two")
    assert removed.name == "Two"
    assert profiles.active_profile(library).name == "One"
    profiles.remove_profile(library, vault, "One")
    assert profiles.active_profile(library) is None
    assert library.execute("SELECT count(*) FROM profiles").fetchone()[0] == 0
    with pytest.raises(ProfileNotFound):
        profiles.remove_profile(library, vault, "One")


async def test_edit_without_verify_changes_fields_and_password(library, vault, settings):
    p = await _add(library, vault, settings, name="Home")
    edited = await profiles.edit_profile(
        library, vault, settings, "home", verify=False, name="Cabin", url="https://new.example.org/get.php?x=1",
        username="bob", password="n3w-Pw", user_agent="Kodi/20", sync_interval_hours=6, adult_enabled=True,
        timezone="Europe/Paris",
    )
    assert (edited.id, edited.name, edited.url, edited.username) == (p.id, "Cabin", "https://new.example.org", "bob")
    assert (edited.user_agent, edited.sync_interval_hours, edited.adult_enabled, edited.timezone) == (
        "Kodi/20",
        6,
        True,
        "Europe/Paris",
    )
    assert profiles.stream_credentials(library, vault, edited) == ("https://new.example.org", "bob", "n3w-Pw")
    assert edited.updated_at >= p.updated_at


async def test_edit_refuses_a_taken_name_and_unknown_fields(library, vault, settings):
    await _add(library, vault, settings, name="One")
    await _add(library, vault, settings, name="Two")
    with pytest.raises(ProfileExists):
        await profiles.edit_profile(library, vault, settings, "Two", verify=False, name="ONE")
    with pytest.raises(InvalidProfile):
        await profiles.edit_profile(library, vault, settings, "Two", verify=False, colour="red")
    renamed = await profiles.edit_profile(
        library, vault, settings, "Two", verify=False, name="two"
    )  # own name, new case
    assert renamed.name == "two"


async def test_preferences_are_validated(library, vault, settings):
    p = await _add(library, vault, settings)
    p = profiles.set_preferences(library, p, sync_interval_hours=0, adult_enabled=True, timezone="America/New_York")
    assert (p.sync_interval_hours, p.adult_enabled, p.timezone) == (0, True, "America/New_York")
    assert profiles.set_preferences(library, p, timezone="").timezone is None
    with pytest.raises(InvalidProfile) as caught:
        profiles.set_preferences(library, p, timezone="Mars/Olympus")
    assert caught.value.field == "timezone"
    with pytest.raises(InvalidProfile):
        profiles.set_preferences(library, p, sync_interval_hours=-1)


async def test_tampered_secret_is_a_clear_error_for_that_profile_only(library, vault, settings):
    good = await _add(library, vault, settings, name="Good", password="good-pw")
    bad = await _add(library, vault, settings, name="Broken", password="bad-pw")
    blob = bytearray(library.execute("SELECT secret FROM profiles WHERE id = ?", (bad.id,)).fetchone()[0])
    blob[-3] ^= 0xFF
    with db.transaction(library):
        library.execute("UPDATE profiles SET secret = ? WHERE id = ?", (bytes(blob), bad.id))
    with pytest.raises(SecretUnreadable, match=r"Broken.*Re-enter"):
        profiles.stream_credentials(library, vault, bad)
    assert profiles.stream_credentials(library, vault, good)[2] == "good-pw"
    assert [p.name for p in profiles.list_profiles(library)] == ["Broken", "Good"]  # listing still works
    # re-entering the password repairs it
    await profiles.edit_profile(library, vault, settings, "Broken", verify=False, password="bad-pw-2")
    assert profiles.stream_credentials(library, vault, bad)[2] == "bad-pw-2"
    # and removing a profile whose secret is unreadable works too
    with db.transaction(library):
        library.execute("UPDATE profiles SET secret = ? WHERE id = ?", (b"\x01junk", bad.id))
    profiles.remove_profile(library, vault, "Broken")


async def test_record_account_and_touch(library, vault, settings):
    from datetime import UTC, datetime

    p = await _add(library, vault, settings)
    stored = profiles.record_account(
        library,
        p,
        {"status": "Active", "exp_date": datetime(2030, 1, 2, tzinfo=UTC), "allowed_output_formats": ("ts", "m3u8")},
    )
    assert stored.account == {
        "status": "Active",
        "exp_date": "2030-01-02T00:00:00+00:00",
        "allowed_output_formats": ["ts", "m3u8"],
    }
    assert stored.account_checked_at is not None
    library.execute("UPDATE profiles SET last_used_at = NULL")
    library.commit()
    profiles.touch(library, p)
    assert profiles.get_profile(library, p.id).last_used_at is not None


async def test_removal_stops_masking_a_password_only_when_no_profile_still_uses_it(library, vault, settings):
    from xtplay.logs import redact

    await _add(library, vault, settings, name="One", password="Shared-Pw-771")
    await _add(library, vault, settings, name="Two", password="Shared-Pw-771")
    await _add(library, vault, settings, name="Three", password="Own-Pw-88213")
    profiles.remove_profile(library, vault, "One")
    assert "Shared-Pw-771" not in redact("login with Shared-Pw-771")  # Two still uses it
    profiles.remove_profile(library, vault, "Three")
    assert redact("login with Own-Pw-88213") == "login with Own-Pw-88213"
