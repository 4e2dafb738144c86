"""Files to clean articles: walk folders safely, read each file, normalise what it gives.

Nothing here trusts the folder: symbolic links that leave it are not followed, only
regular files are opened, sizes are capped, and a file that fails gives a one-line
reason for that file alone while the rest of the batch goes on.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from briefing.corpus.boilerplate import clean_body
from briefing.corpus.formats import is_missing_library, is_supported, read_drafts
from briefing.corpus.metadata import parse_pasted
from briefing.corpus.model import Article, Draft, FileResult, FormatError
from briefing.corpus.pages import clamp_pages, mark_pages, strip_paged, unmark_pages
from briefing.corpus.sanitize import sanitize_line, sanitize_text

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_BODY_CHARS = 2_000_000
# Indexing time and memory grow with an article's distinct words more than with its
# length: 2 MB of random words (200,000 distinct) took a minute to index. Real text
# stays far below this (a whole novel uses some 30,000).
MAX_DISTINCT_WORDS = 50_000
# Cleaning 50 MB of text takes seconds and keeps copies of it in memory; what lies
# beyond this would be capped anyway.
_CLEAN_CHARS = 2 * MAX_BODY_CHARS
_WORDS = re.compile(r"\w+")
_SAFE_KEY = re.compile(r"[\w.:-]{1,40}")


@dataclass(frozen=True)
class SourceFile:
    """A file found under a library entry: where it is and what id prefix it gets."""

    path: Path
    label: str
    relpath: str
    # The file's modification time and size as the walk found them (None: not looked at).
    mtime_ns: int | None = field(default=None, compare=False)
    size: int | None = field(default=None, compare=False)

    @property
    def id_base(self) -> str:
        """The stable id of the file's article (before any multi-article item key)."""
        return f"{self.label}/{self.relpath}"


@dataclass(frozen=True)
class Skip:
    """A path that was not read, and why."""

    path: Path
    reason: str


def walk(root: Path, label: str) -> Iterator[SourceFile | Skip]:
    """Yield the readable files under ``root`` (a folder or a single file), sorted.

    Hidden files and folders (names starting with ".") are passed over silently;
    symbolic links that point outside ``root``, FIFOs, sockets and devices are
    reported as skips and never opened.
    """
    try:
        root_real = root.resolve(strict=True)
    except OSError as exc:
        yield Skip(root, f"cannot open: {exc.strerror or exc}")
        return
    if root_real.is_file():
        yield from _check_file(root, root.name, label, root_real.parent)
        return
    top = str(root)
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False, onerror=None):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        # The path relative to the root, by string: Path.relative_to per file was a
        # third of the walk of a 21,000-file library.
        folder = Path(dirpath).relative_to(root).as_posix() if dirpath != top else ""
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            rel = f"{folder}/{name}" if folder else name
            yield from _check_file(Path(dirpath, name), rel, label, root_real)
        # Symbolic links to folders are listed in dirnames but os.walk does not enter
        # them; say so when they lead outside the folder.
        for name in dirnames:
            sub = Path(dirpath) / name
            if sub.is_symlink() and not _inside(sub, root_real):
                yield Skip(sub, "symbolic link leads outside the folder; not followed")


def _inside(path: Path, root_real: Path) -> bool:
    try:
        return path.resolve(strict=True).is_relative_to(root_real)
    except (OSError, RuntimeError):
        return False


def _check_file(path: Path, rel: str, label: str, root_real: Path) -> Iterator[SourceFile | Skip]:
    if not _utf8(str(path)):
        # Undecodable bytes become lone surrogates (os.fsdecode), which neither SQLite
        # nor Whoosh can store: one skip for this file, not a crash of the whole run.
        yield Skip(path, "file name is not valid UTF-8; rename the file to index it")
        return
    try:
        info = path.lstat()
    except OSError as exc:
        yield Skip(path, f"cannot read: {exc.strerror or exc}")
        return
    if stat.S_ISLNK(info.st_mode):
        if not _inside(path, root_real):
            yield Skip(path, "symbolic link leads outside the folder; not followed")
            return
        try:
            info = path.stat()
        except OSError as exc:
            yield Skip(path, f"broken symbolic link: {exc.strerror or exc}")
            return
    if not stat.S_ISREG(info.st_mode):
        yield Skip(path, "not a regular file (FIFO, socket or device)")
        return
    if not is_supported(path):
        yield Skip(path, f"unsupported file type {path.suffix or '(no extension)'}")
        return
    yield SourceFile(path, label, rel, info.st_mtime_ns, info.st_size)


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def ingest_file(source: SourceFile) -> FileResult:
    """Read one file into articles; problems become ``skipped`` or article warnings."""
    result = FileResult(path=source.path)
    try:
        data = _read_capped(source.path)
    except _TooLarge as exc:
        result.skipped = str(exc)
        return result
    except OSError as exc:
        result.skipped = f"cannot read: {exc.strerror or exc}"
        return result
    try:
        drafts = read_drafts(data, source.path)
    except FormatError as exc:
        result.skipped = sanitize_line(str(exc)) or "unreadable file"
        return result
    except (RecursionError, MemoryError):
        result.skipped = "file too deeply nested or too large to parse"
        return result
    except Exception as exc:  # a parser bug must not stop the batch: report, go on
        result.skipped = f"could not parse ({type(exc).__name__})"
        return result
    for n, draft in enumerate(drafts):
        try:
            article = normalise(draft, source, n)
        except Exception as exc:  # same: one bad item, not the whole file
            result.warnings.append(f"item {n + 1} dropped: could not clean ({type(exc).__name__})")
            continue
        if article is not None:
            result.articles.append(article)
    if not result.articles and result.skipped is None:
        result.skipped = "no article text found"
    return result


def needs_library(reason: str | None) -> bool:
    """Whether a file was skipped because a library its reader needs is missing.

    Such a file is to be read again on every update, changed or not, so that the first
    run after the library is installed reads it.
    """
    return reason is not None and is_missing_library(reason)


def library_notices(reasons: Iterable[str]) -> list[str]:
    """One line per missing reader library among skip reasons, with the files it kept out.

    Every file of the kind is skipped for the same reason; said once, the cause is
    not lost among the per-file reasons.
    """
    counts = Counter(reason for reason in reasons if is_missing_library(reason))
    return [
        f"{reason}; {n} file{'s' if n != 1 else ''} skipped" for reason, n in sorted(counts.items())
    ]


class _TooLarge(Exception):
    pass


def _read_capped(path: Path) -> bytes:
    # O_NONBLOCK: should the file have become a FIFO since it was checked, the open
    # does not hang waiting for a writer.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise _TooLarge("not a regular file (FIFO, socket or device)")
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _TooLarge(f"file larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; not read")
    return data


def normalise(draft: Draft, source: SourceFile, n: int = 0) -> Article | None:
    """Sanitise, clean and identify one draft; None when it holds no article text."""
    warnings = list(draft.warnings)
    inferred = set(draft.inferred)
    capped = f"text capped at {MAX_BODY_CHARS // 1_000_000} MB"
    body = draft.body
    if draft.pages:
        # Each page start is marked in the text, so that it survives the cleaning.
        body = mark_pages(body, draft.pages)
    if len(body) > _CLEAN_CHARS:
        body = body[:_CLEAN_CHARS]
        warnings.append(capped)
    body = sanitize_text(body)
    if draft.plain:
        pasted = parse_pasted(body)
        body = pasted.body
        warnings.extend(pasted.warnings)
        filled = {}
        for name in ("title", "source", "author", "published"):
            if getattr(draft, name) is None and getattr(pasted, name) is not None:
                filled[name] = getattr(pasted, name)
                if name in pasted.inferred:
                    inferred.add(name)
        draft = replace(draft, **filled)
    else:
        body, cleaned = clean_body(body)
        warnings.extend(cleaned)
    pages: tuple[int, ...] = ()
    if draft.pages:
        body, pages = strip_paged(*unmark_pages(body, len(draft.pages)))
    body = body.strip()
    title = sanitize_line(draft.title or "")
    if not body and not title:
        return None
    if not title:
        title = sanitize_line(source.path.stem.replace("_", " ")) or source.path.name
        inferred.add("title")
        warnings.append("no title found; using the file name")
    if len(body) > MAX_BODY_CHARS:
        cut = body.rfind("\n\n", 0, MAX_BODY_CHARS)
        body = body[: cut if cut > MAX_BODY_CHARS // 2 else MAX_BODY_CHARS]
        warnings.append(capped)
    end = _distinct_words_end(body)
    if end is not None:
        body = body[:end].rstrip()
        warnings.append(f"text capped at {MAX_DISTINCT_WORDS:,} distinct words")
    if not body:
        warnings.append("no article text; only the title is indexed")
    article_id = source.id_base
    if draft.key is not None:
        article_id += "#" + _item_key(draft.key, n)
    tags = tuple(dict.fromkeys(t for t in (sanitize_line(t).lower() for t in draft.tags) if t))
    return Article(
        id=article_id,
        title=title,
        source=sanitize_line(draft.source or "") or None,
        author=sanitize_line(draft.author or "") or None,
        published=draft.published,
        url=sanitize_line(draft.url or "") or None,
        body=body,
        path=str(source.path),
        tags=tags,
        inferred=frozenset(inferred),
        warnings=tuple(sanitize_line(w) for w in dict.fromkeys(warnings) if w),
        content_hash=content_hash(f"{title}\n{body}"),
        fetched=draft.fetched,
        pages=clamp_pages(pages, len(body)),
    )


def _distinct_words_end(text: str) -> int | None:
    """Where the word that would exceed MAX_DISTINCT_WORDS starts, or None."""
    if len(text) < 2 * MAX_DISTINCT_WORDS:
        return None  # words are apart: a text of n characters has at most (n + 1) / 2
    seen: set[str] = set()
    for word in _WORDS.finditer(text):
        seen.add(word.group().lower())
        if len(seen) > MAX_DISTINCT_WORDS:
            return word.start()
    return None


def _item_key(key: str, n: int) -> str:
    key = sanitize_line(key)
    if _SAFE_KEY.fullmatch(key):
        return key
    if not key:
        return f"item-{n + 1}"
    return hashlib.sha1(key.encode("utf-8", "replace")).hexdigest()[:12]


def content_hash(text: str) -> str:
    """A fingerprint of an article's title and text, blind to spacing and case.

    Two paths with the same fingerprint hold the same article: one is indexed, the
    other reported as its duplicate.
    """
    folded = " ".join(text.split()).casefold()
    return hashlib.sha256(folded.encode("utf-8", "replace")).hexdigest()
