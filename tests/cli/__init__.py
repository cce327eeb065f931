"""The ``xtplay`` command, run in-process or as a real process."""
