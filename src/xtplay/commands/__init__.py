"""Subcommands of ``xtplay``; each module has ``register(group)``."""
