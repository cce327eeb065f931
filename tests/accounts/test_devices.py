"""Each device (browser session) keeps its own profile; the latest choice is the default."""

from __future__ import annotations

from xtplay.accounts import devices, profiles


async def _add(conn, vault, settings, name):
    return await profiles.add_profile(conn, vault, settings, name=name, url="tv.example.com:8080",
                                      username="alice", password="s3cret-Pw!", verify=False)


async def test_two_devices_keep_their_own_choice(library, vault, settings):
    one = await _add(library, vault, settings, "One")
    two = await _add(library, vault, settings, "Two")
    devices.choose(library, "living-room", one.id)
    devices.choose(library, "phone", two.id)
    assert devices.device_profile(library, "living-room").id == one.id  # the phone's switch did not move it
    assert devices.device_profile(library, "phone").id == two.id
    assert devices.device_profile(library, "new-tablet").id == two.id  # never chose: the latest choice
    assert devices.device_profile(library, None).id == two.id


async def test_a_removed_profile_leaves_the_device_on_the_default(library, vault, settings):
    one = await _add(library, vault, settings, "One")
    two = await _add(library, vault, settings, "Two")
    devices.choose(library, "phone", two.id)
    devices.choose(library, "tv", one.id)
    profiles.remove_profile(library, vault, two.id)
    assert devices.device_profile(library, "phone").id == one.id


async def test_a_browser_shown_a_profile_stays_on_it_when_another_switches(library, vault, settings):
    one = await _add(library, vault, settings, "One")
    two = await _add(library, vault, settings, "Two")
    devices.hold(library, "tv", devices.device_profile(library, "tv").id)  # the tv was shown "One"
    devices.choose(library, "phone", two.id)
    assert devices.device_profile(library, "tv").id == one.id
    devices.hold(library, "tv", two.id)  # holding again never overrides a choice
    assert devices.device_profile(library, "tv").id == one.id
