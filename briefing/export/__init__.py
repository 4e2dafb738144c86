"""The export stage: notes to a sourced briefing, built once as a document and written
as Markdown, HTML or Word."""
