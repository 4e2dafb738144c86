"""Writing files safely."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, text: str | bytes, overwrite: bool = True) -> None:
    """Write ``text`` (or bytes) to ``path``: a crash leaves the old file or the new, never half.

    With ``overwrite=False`` an existing ``path`` is never replaced, not even one that
    appears while writing: raises ``FileExistsError``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    # mkstemp makes the file private (0600); a briefing is for sharing: keep the mode of
    # the file being replaced, else the usual 0644.
    with contextlib.suppress(OSError):
        os.fchmod(fd, path.stat().st_mode & 0o777 if path.exists() else 0o644)
    try:
        binary = isinstance(text, bytes)
        with os.fdopen(fd, "wb" if binary else "w", encoding=None if binary else "utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path)
    finally:
        # After os.replace the temp name is gone; after a link or a failure it is not.
        Path(tmp).unlink(missing_ok=True)


def _link_new(tmp: str, path: Path) -> None:
    """Give ``tmp`` the name ``path`` only if ``path`` does not exist (atomically)."""
    try:
        # A hard link fails if the name is taken: no window between check and write.
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:
        # No hard links on this file system (FAT, some network mounts): check, then replace.
        if path.exists():
            raise FileExistsError(f"{path} exists") from None
        os.replace(tmp, path)
