"""Themes as data: the TOML files of the top-level ``themes/`` folder become Textual themes."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from textual.theme import Theme

from briefing import locations

_COLOURS = (
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)


class ThemeFileError(Exception):
    """A theme file is not valid; the message names the file."""


def load_theme(path: Path) -> Theme:
    """One theme from a TOML file (``name``, ``dark``, colours and ``[variables]``)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        variables = data.get("variables", {})
        colours: dict[str, Any] = {key: str(data[key]) for key in _COLOURS if key in data}
        return Theme(
            name=str(data["name"]),
            dark=bool(data.get("dark", True)),
            variables={str(k): str(v) for k, v in variables.items()},
            **colours,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ThemeFileError(f"theme file {path.name} is not valid: {exc}") from exc


def bundled_themes(folder: Path | None = None) -> list[Theme]:
    """The themes shipped with briefing, sorted by name."""
    folder = folder or locations.themes_dir()
    return sorted((load_theme(p) for p in folder.glob("*.toml")), key=lambda t: t.name)
