"""Exchange with translators' own tools: XLIFF 2.1 and 1.2 out and back for one translation."""
