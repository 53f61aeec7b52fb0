"""Fixtures for tests that drive the app from outside (HTTP, API, CLI)."""

from __future__ import annotations

import pytest

from tests.factories import staff_headers, summary_payload


@pytest.fixture
def liaison(app):
    """API headers of a liaison officer."""
    return staff_headers(app, "liaison")


@pytest.fixture
def created(client, liaison):
    """An English summary written through the API (its ja translation is queued)."""
    resp = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison)
    assert resp.status_code == 201
    return resp.json
