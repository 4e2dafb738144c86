"""Word helpers the compare stage shares."""

from __future__ import annotations


def singular(word: str) -> str:
    """The singular of a simple English plural: facilities -> facility, troops -> troop.

    Deliberately light (no stemmer): names and short words are left alone by callers.
    """
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word
