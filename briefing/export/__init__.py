"""The export stage: notes to a sourced Markdown (or HTML) briefing."""
