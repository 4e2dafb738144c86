"""The user's preferences (the theme, how often feeds update, the briefing's author), in a
JSON file in the platformdirs config directory."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from briefing import locations
from briefing.fileio import write_atomic


@dataclass
class Config:
    """Preferences that outlive a session."""

    theme: str | None = None
    update_feeds_every: float | None = None
    """Hours: on launch, the app updates the feeds when the last update is older."""
    author: str | None = None
    """Who writes the briefings: under the title, and the Word file's author."""


def load_config(path: Path | None = None) -> Config:
    """Read the config; a missing or unreadable file gives the defaults (never an error)."""
    path = path or locations.config_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Config()
    if not isinstance(data, dict):
        return Config()
    theme = data.get("theme")
    every = data.get("update_feeds_every")
    author = data.get("author")
    return Config(
        theme=theme if isinstance(theme, str) else None,
        update_feeds_every=float(every)
        if isinstance(every, int | float) and not isinstance(every, bool) and every > 0
        else None,
        author=author if isinstance(author, str) and author.strip() else None,
    )


def save_config(config: Config, path: Path | None = None) -> None:
    """Write the config atomically."""
    write_atomic(path or locations.config_file(), json.dumps(asdict(config), indent=2) + "\n")
