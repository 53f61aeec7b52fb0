"""The reader's site: published snapshots in each language, lists, search, feeds and sitemaps,
served from a cache that follows what is published."""
