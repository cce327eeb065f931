"""The playback proxy, ffmpeg conversion, tracks, seeking and external players."""
