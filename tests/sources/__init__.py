"""The wire clients and parsers: the Xtream client, M3U playlists, XMLTV guides."""
