"""The reference build: a bare Whoosh loop over the same files, run as its own process.

Each file is one document: its first non-blank line is the title, the rest the body;
title and body stemmed, the id (the path) stored, one writer, one commit. No cleaning,
no names, no facets, no manifest: what indexing these bytes costs Whoosh by itself.

Usage: python bench/bare_whoosh.py INDEX_DIR FILE_LIST
  (FILE_LIST: a text file with one path a line). Prints {"files": N, "bytes": B}.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from whoosh import index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, TEXT, Schema


def main() -> int:
    where, listing = Path(sys.argv[1]), Path(sys.argv[2])
    files = [Path(line) for line in listing.read_text().splitlines() if line]
    where.mkdir(parents=True, exist_ok=True)
    schema = Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=StemmingAnalyzer()),
        body=TEXT(analyzer=StemmingAnalyzer()),
    )
    ix = index.create_in(str(where), schema)
    writer = ix.writer()
    size = 0
    for path in files:
        data = path.read_bytes()
        size += len(data)
        text = data.decode("utf-8", "replace").strip()
        title, _, body = text.partition("\n")
        writer.add_document(id=str(path), title=title, body=body)
    writer.commit()
    print(json.dumps({"files": len(files), "bytes": size}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
