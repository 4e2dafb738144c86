"""The index stage: Whoosh schema, documents, libraries, and the incremental store."""

from briefing.index import whoosh_fixes

whoosh_fixes.apply()
