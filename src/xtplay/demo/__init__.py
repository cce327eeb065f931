"""The bundled demo provider: an Xtream Codes compatible server with generated content."""

from xtplay.demo.provider import DEFAULT_PASSWORD, DEFAULT_USERNAME, DemoProvider

__all__ = ["DEFAULT_PASSWORD", "DEFAULT_USERNAME", "DemoProvider"]
