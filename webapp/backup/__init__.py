"""Whole-database backups: `flask export FILE`, `flask import FILE`."""
