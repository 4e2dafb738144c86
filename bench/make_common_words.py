"""python bench/make_common_words.py  (needs ``pip install wordfreq``, only to run this)

Writes ``briefing/compare/common_words.txt``: how common each comparison token (a Porter
stem, as :func:`briefing.compare.words.tokens` makes them) is in ordinary English, as a
Zipf value (log10 of uses per billion words; 7 is "the", 3 about once per million).

The source is wordfreq's English list (Robyn Speer, wordfreq 3.1; code Apache-2.0, data
CC-BY-SA 4.0, built from Wikipedia, subtitles, news, books, web text, Reddit and Twitter).
The package is 57 MB: the app ships this ~55 kB derivative instead of depending on it.
A stem takes the highest value of the words that reduce to it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from wordfreq import top_n_list, zipf_frequency

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from briefing.compare.evidence import RARE_ZIPF  # noqa: E402
from briefing.compare.words import tokens  # noqa: E402

OUT = REPO / "briefing" / "compare" / "common_words.txt"
# Words rarer than this are left out: the app reads a missing stem as rare, and a stem
# at RARE_ZIPF or below counts as fully rare anyway (a smaller table loads faster).
FLOOR = RARE_ZIPF
WORDS = 60_000

HEADER = """\
# How common each comparison stem is in ordinary English, as a Zipf value
# (log10 of uses per billion words). Derived from wordfreq 3.1's English list
# (Robyn Speer et al.; data CC-BY-SA 4.0: Wikipedia, OpenSubtitles, NewsCrawl,
# Google Books, web text, Reddit, Twitter) by bench/make_common_words.py.
# Stems rarer than Zipf {floor} are omitted (read as rare). Licence of this file: CC-BY-SA 4.0.
"""


def main() -> None:
    """Write the table."""
    best: dict[str, float] = {}
    for word in top_n_list("en", WORDS):
        value = zipf_frequency(word, "en")
        if value < FLOOR:
            break
        stems = tokens(word)
        if len(stems) != 1 or stems[0][0].isdigit():
            continue
        stem = stems[0]
        best[stem] = max(best.get(stem, 0.0), value)
    lines = [f"{stem}\t{value:.1f}" for stem, value in sorted(best.items())]
    OUT.write_text(HEADER.format(floor=FLOOR) + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} stems -> {OUT}")


if __name__ == "__main__":
    main()
