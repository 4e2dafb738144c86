"""briefing: read how several outlets report the same events, and write a sourced briefing."""

__version__ = "0.1.0"
