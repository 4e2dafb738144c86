"""Make untrusted text safe to store, index and show: done once, at ingestion."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

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
# Horizontal whitespace, including no-break and typographic spaces: one rule for every
# field and for the boilerplate patterns, which see each body line through it.
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
    text = one_space(text)
    return unicodedata.normalize("NFC", text).strip()


def one_space(text: str) -> str:
    """``text`` with every run of horizontal whitespace (tabs, no-break and typographic
    spaces) written as one space; newlines are kept."""
    return _SPACES.sub(" ", text)


# What must never reach a terminal as itself: C0 controls (tab and newline apart in
# multi-line text), DEL, C1 controls, bidirectional controls, the line and paragraph
# separators, interlinear annotation marks, and lone surrogates (undecodable bytes of a
# file name, as os.fsdecode gives them).
_UNSHOWABLE_LINE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ufff9-\ufffb\ud800-\udfff]"
)
_UNSHOWABLE_TEXT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ufff9-\ufffb\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not valid UTF-8 in a file name
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """A string from outside (id, path, file name, title, error message), safe to show
    on one line: every control character, escape, bidi control and line break is
    written as a visible escape (``\\x1b``, ``\\u202e``); the rest is unchanged.

    This is the one display rule for the CLI's human output and the app's widgets.
    It does not remove anything, so the user still sees what the name really is;
    ``--json`` output keeps the real string (JSON escapes it).
    """
    return _UNSHOWABLE_LINE.sub(_escape, text)


def visible_text(text: str) -> str:
    """As :func:`visible`, for multi-line text: newlines and tabs are kept."""
    return _UNSHOWABLE_TEXT.sub(_escape, text)


def visible_spans(text: str, spans: Sequence[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """:func:`visible` of ``text``, with character spans of ``text`` (query matches)
    moved onto the same characters of the result."""
    shown = visible(text)
    if len(shown) == len(text):  # nothing escaped: every escape is longer than its char
        return shown, list(spans)
    offsets = [0]
    for char in text:
        offsets.append(offsets[-1] + len(visible(char)))
    return shown, [(offsets[start], offsets[end]) for start, end in spans]


def visible_json(json_text: str) -> str:
    """JSON text with what :func:`visible_text` would escape written as ``\\uXXXX``.

    ``json.dumps(..., ensure_ascii=False)`` leaves C1 controls, bidi controls and lone
    surrogates raw; escaped, the output decodes to the same real strings (a file name's
    undecodable bytes come back as the same surrogates) and a terminal never sees them.
    """
    return _UNSHOWABLE_TEXT.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)
