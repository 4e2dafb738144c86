"""Make untrusted text safe to store, index and show: done once, at ingestion."""

from __future__ import annotations

import re
import unicodedata

# C0 controls except tab and newline, DEL, C1 controls, the bidirectional
# embeddings/overrides/isolates and marks, and the line/paragraph separators.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb]"
)
# Whole terminal escape sequences (OSC, CSI, and two-character ESC forms, in their 7-bit
# and C1 spellings): removed entirely, so no "]0;title" debris is left in the text.
_ESCAPES = re.compile(
    r"(?:\x1b\]|\x9d)[^\x07\x1b\x9c]{0,4096}(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1b\[|\x9b)[0-?]{0,64}[ -/]{0,16}[@-~]?"
    r"|\x1b[PX^_][^\x1b\x9c]{0,4096}(?:\x1b\\|\x9c)?"
    r"|\x1b[ -/]{0,4}[0-~]?"
)
# Zero-width characters and other invisible formatting, removed from one-line fields.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff]")
_LINE_BREAKS = re.compile("[\u2028\u2029\u0085\r\n\x0b\x0c]+")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")


def sanitize_text(text: str) -> str:
    """Clean a multi-line text: newlines normalised, control characters removed.

    A lone ``\\r`` or a Unicode line separator becomes a newline first, so that no
    line structure hides inside what looks like one line.
    """
    text = _ESCAPES.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n").replace("\x85", "\n")
    text = _CONTROL.sub("", text)
    return text.replace("\ufeff", "")


def sanitize_line(text: str) -> str:
    """Clean a one-line field (title, source, author, URL): one line, no invisibles."""
    text = _ESCAPES.sub("", text)
    text = _LINE_BREAKS.sub(" ", text)
    text = _CONTROL.sub("", text)
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    return unicodedata.normalize("NFC", text).strip()
