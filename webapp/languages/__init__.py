"""The rules of each language the desk writes and reads, as a registry of declarations.

`languages.get("ja")` is Japanese's `Language` (base.py): sentence splitting and joining,
diff granularity, punctuation, number and date reading, sentence styles, the importer's forms,
display names. One module per language (en.py, ja.py, ko.py); `registry.py` lists them and makes
the configured ones (`LOCALES`) live when the app starts.
"""

from webapp.languages.base import Language, Punctuation
from webapp.languages.registry import DEFAULT, KNOWN, SHIPPED, get, init_app, known, parse_locales

__all__ = [
    "DEFAULT",
    "KNOWN",
    "SHIPPED",
    "Language",
    "Punctuation",
    "get",
    "init_app",
    "known",
    "parse_locales",
]
