"""A second version of the demo's movie list, as a provider's list looks half a day later.

Revision 1 of a catalog changes the name of 1 % of its movies, removes another 1 % and adds
1 % new ones after the last id, all chosen from the seed and the size, so a re-sync can be
checked against exactly these rows. Movies 1–5 (the fixed ones tests play) never move.
Revision 0 is the catalog as generated.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

#: Share of the movies each of changing, adding and removing touches.
SHARE = 0.01
#: What a changed movie's name gains (a panel re-tagging a title).
CHANGED_MARK = " [Remastered]"
#: The revisions a catalog knows.
REVISIONS = (0, 1)


@dataclass(frozen=True, slots=True)
class MovieChanges:
    """The movies a revision changes, adds and removes (ids)."""

    changed: frozenset[int]
    added: tuple[int, ...]
    removed: frozenset[int]

    def to_dict(self) -> dict[str, list[int]]:
        return {"changed": sorted(self.changed), "added": list(self.added), "removed": sorted(self.removed)}


NO_CHANGES = MovieChanges(frozenset(), (), frozenset())


def movie_changes(seed: int, count: int, revision: int) -> MovieChanges:
    """The changes of ``revision`` to a catalog of ``count`` movies (none for revision 0)."""
    if revision not in REVISIONS:
        raise ValueError(f"unknown catalog revision {revision!r}; known: {', '.join(map(str, REVISIONS))}")
    if revision == 0:
        return NO_CHANGES
    k = max(1, round(count * SHARE))
    candidates = range(6, count + 1)
    picked = random.Random(seed * 7_919 + count).sample(candidates, min(2 * k, len(candidates)))
    return MovieChanges(frozenset(picked[:k]), tuple(range(count + 1, count + 1 + k)), frozenset(picked[k:]))
