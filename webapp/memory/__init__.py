"""Translation memory as people manage it: TMX and CSV/TSV in, TMX out, search, edit, delete."""
