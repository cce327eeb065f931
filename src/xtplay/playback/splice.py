"""Joining the MPEG-TS of successive connections to one live channel into one continuous stream.

Panels cap a connection after some seconds or megabytes; the proxy then opens the channel
again (:mod:`~xtplay.playback.live`). The new connection's clock is either the same as the
old one's, a little behind (its start-up burst repeats what was already sent), or a fresh
clock (the panel restarted the channel). Players choke on time going backwards and stall on
a gap, so the new connection is joined at a video keyframe (the first one after what was
already sent, when the clocks agree) with its timestamps (PTS, DTS, PCR) shifted to follow
on from the last picture sent. A connection that ends mid-picture would hand the decoder a
broken frame, so each PES is held back until the next one of its stream begins, and what is
held when a connection ends is dropped.
"""

from __future__ import annotations

from xtplay.playback.sniff import TS_PACKET

CLOCK = 1 << 33  #: PTS/DTS/PCR base wrap (90 kHz, 33 bits)
#: Clocks within this distance (90 kHz ticks) are the same clock (a start-up burst repeats a
#: few seconds; a restarted channel is further off, or its repeat costs at most this long).
SAME_CLOCK = 10 * 90_000
#: A frame's worth of ticks, put between the old stream's last time and a shifted new one.
STEP = 3_600
#: Packets of a new connection read without a flagged keyframe before any video start will do.
KEYFRAME_PATIENCE = 5_000
#: Packets held back at most while a PES is not known complete (a stream that stops sending one).
MAX_HELD = 2_000


def _read_ts(b: bytes | bytearray, at: int) -> int:
    return ((b[at] >> 1) & 7) << 30 | b[at + 1] << 22 | (b[at + 2] >> 1) << 15 | b[at + 3] << 7 | b[at + 4] >> 1


def _write_ts(b: bytearray, at: int, value: int) -> None:
    value %= CLOCK
    b[at] = (b[at] & 0xF0) | ((value >> 29) & 0x0E) | 1
    b[at + 1] = (value >> 22) & 0xFF
    b[at + 2] = ((value >> 14) & 0xFE) | 1
    b[at + 3] = (value >> 7) & 0xFF
    b[at + 4] = ((value << 1) & 0xFE) | 1


class Splicer:
    """Passes whole TS packets through, watching the clock; after :meth:`reconnected`, joins
    the next connection's packets on as described in the module docstring."""

    def __init__(self) -> None:
        self._kinds: dict[int, str] = {}  # PID → "video" / "audio" (from PES stream ids)
        self._last: dict[int, int] = {}  # PID → last PTS sent (after shifting)
        self._clock_pid: int | None = None
        self._last_dts: int | None = None
        self._offset = 0
        self._seeking = False
        self._patience = 0
        self._dropping: set[int] = set()  # audio PIDs whose current PES repeats what was sent
        self._held: list[bytes] = []  # packets not sent yet: from the oldest PES not known complete
        self._open: dict[int, int] = {}  # PID → where its latest PES starts in ``_held``

    def reconnected(self) -> None:
        """The next packets come from a new connection (what is held is incomplete: dropped)."""
        self._seeking, self._patience, self._offset = self._last_dts is not None, 0, 0
        self._held.clear()
        self._open.clear()

    def feed(self, data: bytes) -> bytes:
        """Whole packets in, the packets to send out (shifted, or dropped while joining), each
        PES once the next one of its stream has begun."""
        held, plain = self._held, not (self._seeking or self._offset or self._dropping)
        for at in range(0, len(data) - len(data) % TS_PACKET, TS_PACKET):
            if plain and not data[at + 1] & 0x40:  # nothing to look at or change: the common case
                held.append(data[at:at + TS_PACKET])
                continue
            packet = bytearray(data[at:at + TS_PACKET])
            if packet[0] == 0x47 and self._take(packet):
                pid = ((packet[1] & 0x1F) << 8) | packet[2]
                if packet[1] & 0x40 and pid in self._kinds:
                    self._open[pid] = len(held)
                held.append(bytes(packet))
            plain = not (self._seeking or self._offset or self._dropping)
        ready = min(self._open.values(), default=len(held))
        if len(held) - ready > MAX_HELD:
            ready = self._open.get(self._clock_pid, len(held)) if self._clock_pid is not None else len(held)
        out = b"".join(held[:ready])
        del held[:ready]
        self._open = {pid: max(0, at - ready) for pid, at in self._open.items()}
        return out

    def _take(self, p: bytearray) -> bool:
        pid = ((p[1] & 0x1F) << 8) | p[2]
        pusi = bool(p[1] & 0x40)
        control = (p[3] >> 4) & 3
        start = 4
        keyframe = False
        pcr_at = None
        if control & 2:
            length = p[4]
            if length and p[5] & 0x40:
                keyframe = True
            if length >= 7 and p[5] & 0x10:
                pcr_at = 6
            start = 5 + length
        pes = pusi and control & 1 and start + 14 <= TS_PACKET and p[start:start + 3] == b"\x00\x00\x01"
        if pes:
            sid = p[start + 3]
            kind = "video" if 0xE0 <= sid <= 0xEF else "audio" if 0xC0 <= sid <= 0xDF else None
            if kind:
                self._kinds[pid] = kind
                if self._clock_pid is None or (kind == "video" and self._kinds.get(self._clock_pid) != "video"):
                    self._clock_pid = pid
        if pid not in self._kinds:
            return True  # tables and the rest: always passed
        if self._seeking:
            if not (pes and pid == self._clock_pid):
                self._patience += 1
                return False
            self._patience += 1
            if not keyframe and self._patience < KEYFRAME_PATIENCE:
                return False
            if not self._join(p, start):
                return False
        if pes:
            if not self._shift_pes(p, start, pid):
                self._dropping.add(pid)
                return False
            self._dropping.discard(pid)
        elif pid in self._dropping:
            return False
        if pcr_at is not None and self._offset:
            base = (p[6] << 25 | p[7] << 17 | p[8] << 9 | p[9] << 1 | p[10] >> 7) + self._offset
            base %= CLOCK
            p[6], p[7], p[8], p[9] = (base >> 25) & 0xFF, (base >> 17) & 0xFF, (base >> 9) & 0xFF, (base >> 1) & 0xFF
            p[10] = ((base & 1) << 7) | (p[10] & 0x7F)
        return True

    def _times(self, p: bytearray, start: int) -> tuple[int | None, int | None]:
        flags = p[start + 7] >> 6
        pts = _read_ts(p, start + 9) if flags & 2 else None
        dts = _read_ts(p, start + 14) if flags == 3 else pts
        return pts, dts

    def _join(self, p: bytearray, start: int) -> bool:
        """Decide at a keyframe of the new connection: skip it (still repeating), or join here."""
        _, dts = self._times(p, start)
        if dts is None or self._last_dts is None:
            return False
        gap = (dts - self._last_dts + CLOCK // 2) % CLOCK - CLOCK // 2
        if abs(gap) <= SAME_CLOCK and gap <= 0:
            return False  # the new connection repeats what was sent: wait for a later keyframe
        self._offset = (self._last_dts + STEP - dts) % CLOCK  # no gap either: players stall on one
        self._seeking = False
        return True

    def _shift_pes(self, p: bytearray, start: int, pid: int) -> bool:
        """Shift a PES header's times; False for an audio PES at or before what was sent."""
        flags = p[start + 7] >> 6
        if not flags & 2:
            return True
        pts = (_read_ts(p, start + 9) + self._offset) % CLOCK
        last = self._last.get(pid)
        if last is not None and self._kinds[pid] == "audio" and 0 <= (last - pts) % CLOCK < CLOCK // 2:
            return False
        if self._offset:
            _write_ts(p, start + 9, pts)
            if flags == 3:
                _write_ts(p, start + 14, _read_ts(p, start + 14) + self._offset)
        self._last[pid] = pts
        if pid == self._clock_pid:
            self._last_dts = _read_ts(p, start + 14) if flags == 3 else pts
        return True
