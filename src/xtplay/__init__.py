"""xtplay: a self-hosted IPTV player for Xtream Codes and M3U providers."""

__version__ = "0.1.0"
