"""Page furniture: the navigation, menus, ads, sharing and footers around an article."""

from __future__ import annotations

import re
from typing import Any

# Not <form>: some sites wrap the whole page in one.
FURNITURE_TAGS = frozenset({"nav", "aside", "footer", "menu", "dialog", "figure"})
FURNITURE_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"}
)
# Words of class and id values that mark navigation, advertising, sharing and comments.
FURNITURE_NAMES = frozenset(
    {
        *("ad", "ads", "adslot", "advert", "adverts", "advertisement", "sponsor", "sponsored"),
        *("promo", "promotion", "banner", "outbrain", "taboola", "newsletter", "subscribe"),
        *("comment", "comments", "share", "sharing", "social", "related", "recommended"),
        *("cookie", "cookies", "consent", "breadcrumb", "breadcrumbs", "menu", "nav"),
        *("navbar", "navigation", "footer", "sidebar", "widget", "popup", "modal", "toolbar"),
    }
)
_NAME_WORD = re.compile(r"[a-z0-9]+")


def is_furniture(element: Any) -> bool:
    """Whether an element of a page is furniture rather than (part of) the article."""
    if is_furniture_shell(element):
        return True
    # A wrapper named for a layout ("page has-sidebar") that holds the headline holds
    # the content too.
    return is_furniture_named(element) and next(element.iter("h1"), None) is None


def is_furniture_shell(element: Any) -> bool:
    """Furniture by its tag, role or visibility: navigation, asides, footers, the
    page's own header (not an article's), hidden elements.
    """
    tag = tag_of(element)
    if tag in FURNITURE_TAGS or attr(element, "role") in FURNITURE_ROLES:
        return True
    if tag == "header":
        # An article's own header holds its headline; the page's holds the site's menus.
        return next(element.iterancestors("article", "main"), None) is None
    return element.get("hidden") is not None or attr(element, "aria-hidden") == "true"


def is_furniture_named(element: Any) -> bool:
    """Whether an element's class or id names it as ads, navigation, sharing and so on."""
    names = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return not FURNITURE_NAMES.isdisjoint(_NAME_WORD.findall(names))


def tag_of(element: Any) -> str:
    """An element's tag in lower case; "" for comments and processing instructions."""
    return element.tag.lower() if isinstance(element.tag, str) else ""


def attr(element: Any, name: str) -> str:
    """An attribute's value, stripped and in lower case; "" when absent."""
    return (element.get(name) or "").strip().lower()
