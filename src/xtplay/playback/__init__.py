"""Playback: everything between an item in the library and bytes a player can decode.

``resolve`` turns (profile, type, id) into the provider's stream URL, credentials included;
that URL never leaves the server. ``proxy`` moves the bytes (Range pass-through, live TS, HLS
playlists rewritten to opaque ``/play/…`` URLs). ``probe`` and ``remux`` decide whether the
browser can decode a file as it is, and run ffmpeg when it cannot. ``external`` writes
``.m3u`` files and launches mpv for players outside the browser.
"""
