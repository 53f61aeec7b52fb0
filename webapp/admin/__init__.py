"""Administrators' pages that read across domains: the audit log (more to come: people, engines)."""
