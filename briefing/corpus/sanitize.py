"""Make untrusted text safe to store, index and show: done once, at ingestion."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence

# --- the one rule for invisible characters ----------------------------------------------
#
# Every path (body, title, source, author, URL, tags, the file name a title falls back on)
# keeps the characters that change how the letters beside them are drawn, and loses at
# ingestion (shows escaped, on display) those whose only effect is to reorder or hide text.
#
# Kept: U+200C ZWNJ and U+200D ZWJ, wherever they are (Persian and Arabic words such as
# "می‌خواهم", a letter's joining form at the end of a word as in the Hijri "هـ", Indic
# conjuncts, emoji sequences such as 👨‍👩‍👧); U+180E, the Mongolian vowel separator (it
# picks a letter's form, like ZWNJ); variation selectors (U+FE0F makes ❤ the emoji ❤️).
#
# Gone: C0 controls but tab and newline, DEL and C1 controls (terminal control); the bidi
# embeddings, overrides and isolates, which reorder text as it is shown ("Trojan Source"),
# and the bidi marks ALM, LRM, RLM, which move the neutral characters beside them (digits,
# dots: a date or a file name can be spoofed so) while letters carry their own direction;
# the interlinear annotation characters (text a display may hide); U+200B zero-width
# space, U+2060 word joiner, U+2061-U+2064 invisible operators and U+FEFF (a BOM inside
# the text, an old word joiner): no glyph, no shaping, and inside a word they make
# "elec<U+200B>tion" read as "election" to a person but as two words to search; U+00AD, the
# soft hyphen, for the same reason (it shows only at a line break, which the app never
# relies on); tag characters U+E0000-U+E007F, invisible ASCII that can hide a whole
# message, except in the emoji tag sequence of a subdivision flag (black flag, the
# region in tag letters, cancel tag: the flag of Scotland).
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_HIDDEN = "\u00ad\u200b\u2060-\u2064\ufeff\ufff9-\ufffb\U000e0000-\U000e007f"
# A subdivision flag: the black flag, an ISO 3166-2 code in tag letters and digits (gbsct,
# usca), the cancel tag.
_FLAG = "(\U0001f3f4[\U000e0030-\U000e0039\U000e0061-\U000e007a]{3,6}\U000e007f)"
# Group 1 is a flag's tag sequence, which stays; any other match goes.
_REMOVED = re.compile(_FLAG + "|[\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI + _HIDDEN + "]")
# Whole terminal escape sequences (OSC, CSI, and two-character ESC forms, in their 7-bit
# and C1 spellings): removed entirely, so no "]0;title" debris is left in the text.
_ESCAPES = re.compile(
    r"(?:\x1b\]|\x9d)[^\x07\x1b\x9c]{0,4096}(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1b\[|\x9b)[0-?]{0,64}[ -/]{0,16}[@-~]?"
    r"|\x1b[PX^_][^\x1b\x9c]{0,4096}(?:\x1b\\|\x9c)?"
    r"|\x1b[ -/]{0,4}[0-~]?"
)
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
    return strip_invisible(text)


def sanitize_line(text: str) -> str:
    """Clean a one-line field (title, source, author, URL): one line, no invisibles
    (the rule of :func:`strip_invisible`, as in the body)."""
    text = _ESCAPES.sub("", text)
    text = _LINE_BREAKS.sub(" ", text)
    text = one_space(strip_invisible(text))
    return unicodedata.normalize("NFC", text).strip()


def strip_invisible(text: str) -> str:
    """``text`` without the characters that can reorder or hide text: controls (but tab
    and newline), bidi controls, zero-width spaces, word joiners, BOMs, soft hyphens,
    tag characters outside a flag. ZWJ and ZWNJ stay (see the rule above)."""
    return _REMOVED.sub(_keep_flag, text)


def _keep_flag(match: re.Match[str]) -> str:
    return match.group(1) or ""


def one_space(text: str) -> str:
    """``text`` with every run of horizontal whitespace (tabs, no-break and typographic
    spaces) written as one space; newlines are kept."""
    return _SPACES.sub(" ", text)


# What must never reach a terminal as itself: C0 controls (tab and newline apart in
# multi-line text), DEL, C1 controls, the line and paragraph separators, lone surrogates
# (undecodable bytes of a file name, as os.fsdecode gives them), and what ingestion
# removes (the rule above): a file name is shown as it is, so what hides in it is shown
# escaped. Group 1 is a flag's tag sequence, shown as itself.
_UNSHOWABLE_LINE = re.compile(
    _FLAG + "|[\x00-\x1f\x7f-\x9f\u2028\u2029" + _BIDI + _HIDDEN + "\ud800-\udfff]"
)
_UNSHOWABLE_TEXT = re.compile(
    _FLAG + "|[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029" + _BIDI + _HIDDEN + "\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    if match.group(1):
        return match.group()
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not valid UTF-8 in a file name
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _json_escape(match: re.Match[str]) -> str:
    if match.group(1):
        return match.group()
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # JSON writes a character beyond the BMP as a surrogate pair
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def visible(text: str) -> str:
    """A string from outside (id, path, file name, title, error message), safe to show
    on one line: every control character, escape, bidi control and line break is
    written as a visible escape (``\\x1b``, ``\\u202e``), and so is every character that
    ingestion would remove as hiding text (``\\u200b``); the rest is unchanged.

    This is the one display rule for the CLI's human output and the app's widgets.
    It does not remove anything, so the user still sees what the name really is;
    ``--json`` output keeps the real string (JSON escapes it).
    """
    return _UNSHOWABLE_LINE.sub(_escape, text)


def visible_text(text: str) -> str:
    """As :func:`visible`, for multi-line text: newlines and tabs are kept."""
    return _UNSHOWABLE_TEXT.sub(_escape, text)


def shown_in_place(text: str) -> str:
    """``text`` for a view that maps each character to one shown: every character
    :func:`visible_text` would escape becomes U+FFFD, a tab a space, so that an offset
    into what is shown is an offset into ``text`` (the reader's guard at display; the
    text was cleaned at ingestion)."""
    return _UNSHOWABLE_TEXT.sub(_replacement, text.replace("\t", " "))


def _replacement(match: re.Match[str]) -> str:
    return match.group() if match.group(1) else "\ufffd"


def visible_spans(text: str, spans: Sequence[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """:func:`visible` of ``text``, with character spans of ``text`` (query matches)
    moved onto the same characters of the result."""
    shown = visible(text)
    if len(shown) == len(text):  # nothing escaped: every escape is longer than its char
        return shown, list(spans)
    # Where each escape ends in ``text``, and how much longer the text is from there on.
    ends: list[int] = []
    growth: list[int] = []
    for match in _UNSHOWABLE_LINE.finditer(text):
        grown = len(_escape(match)) - len(match.group())
        if grown:
            ends.append(match.end())
            growth.append(grown + (growth[-1] if growth else 0))

    def move(offset: int) -> int:
        passed = bisect_right(ends, offset)
        return offset + (growth[passed - 1] if passed else 0)

    return shown, [(move(start), move(end)) for start, end in spans]


def visible_json(json_text: str) -> str:
    """JSON text with what :func:`visible_text` would escape written as ``\\uXXXX``.

    ``json.dumps(..., ensure_ascii=False)`` leaves C1 controls, bidi controls and lone
    surrogates raw; escaped, the output decodes to the same real strings (a file name's
    undecodable bytes come back as the same surrogates) and a terminal never sees them.
    """
    return _UNSHOWABLE_TEXT.sub(_json_escape, json_text)
