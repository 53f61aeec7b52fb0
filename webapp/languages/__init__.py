"""The rules of each language the desk writes and reads: sentences, joining, comparing text."""
