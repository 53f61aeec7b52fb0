"""Questions on a summary or one of its segments: asked, answered and resolved in writing."""
