"""The liaison's desk: the pages and API through which a summary is written, followed through its
translations and published. It sits above every domain a summary's life touches (summaries,
photos, topics, translation, publishing) and holds no rules of its own: those are theirs."""
