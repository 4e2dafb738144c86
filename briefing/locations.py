"""Where briefing keeps its files: the one module that knows.

Everything the user owns or caches lives under the platformdirs data and config
directories. ``BRIEFING_HOME`` moves both under one folder (tests, portable use).
Bundled data (the sample corpus, the themes) ships inside the wheel under
``briefing/_data``; in a source checkout it is read from the top-level folders.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "briefing"
HOME_ENV = "BRIEFING_HOME"

_PACKAGE_DIR = Path(__file__).resolve().parent


def _home() -> Path | None:
    value = os.environ.get(HOME_ENV)
    return Path(value).expanduser().resolve() if value else None


def data_dir() -> Path:
    """The directory for libraries, indexes and notes."""
    home = _home()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """The directory for the config file."""
    home = _home()
    return (
        home / "config" if home else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    )


def config_file() -> Path:
    """The user's config file (theme choice and other preferences)."""
    return config_dir() / "config.json"


def libraries_dir() -> Path:
    """The parent directory of every library."""
    return data_dir() / "libraries"


def library_dir(name: str) -> Path:
    """The directory of one library: its settings, index cache, manifest and notes."""
    return libraries_dir() / name


def _bundled(name: str) -> Path:
    installed = _PACKAGE_DIR / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / name


def sample_corpus_dir() -> Path:
    """The bundled sample corpus (five reports of the same conflict from five outlets)."""
    return _bundled("sample_corpus")


def themes_dir() -> Path:
    """The bundled theme files."""
    return _bundled("themes")
