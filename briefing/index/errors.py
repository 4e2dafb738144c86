"""What the index raises when it cannot be read: unavailable, damaged, and what reading
damaged index files raises."""

from __future__ import annotations

import pickle
import struct
import zlib


class IndexUnavailable(Exception):
    """The index cannot be opened or built; the message says why in one line."""


class IndexDamaged(IndexUnavailable):
    """A read failed on damaged index files; the index was moved aside for a rebuild."""


DAMAGE_ERRORS: tuple[type[BaseException], ...] = (
    zlib.error,
    struct.error,
    EOFError,
    pickle.UnpicklingError,
)
"""What reading garbled index files raises (Whoosh keeps no checksums, so a damaged
segment opens fine and fails only when a search reaches the bad bytes). Not OSError: a
segment file that another process merged away is a race, not damage."""
