"""A summary of a meeting: its declared document, its revisions and their history.

The liaison's pages and API for it are the desk's (`webapp.desk`).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Pages name segments by the document's declaration ("Paragraph 3, sentence 1")."""
    from webapp.summaries.document import segment_label

    app.add_template_global(segment_label, "segment_label")
