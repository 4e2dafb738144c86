"""Web addresses and feed subscriptions: fetching pages and feeds into a library's own folder.

``fetch`` (one GET, capped) → ``pages`` (a page kept as a saved page) and ``updates``
(a feed's new items kept as records) → the library indexes the folder like any other;
``subscriptions`` keeps the feeds followed and what their last fetch gave.
"""
