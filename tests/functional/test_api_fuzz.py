"""Property-based fuzzing of the whole JSON API from its own OpenAPI document (schemathesis).

Valid and invalid requests, as a liaison and as a translator, against real objects (ids 1, 2, ...
exist, and the generator favours small ids): no server error, and every answer matches the
document (status codes, content type, body schema). Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import staff_headers, summary_payload
from webapp.jobs.worker import run_worker

pytestmark = pytest.mark.backends("sqlite", "postgresql")

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.mark.parametrize(
    "mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
)
def test_no_server_error_and_every_answer_matches_the_document(app, client, mode):
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["ja"])
    for source in ("en", "ja"):
        assert (
            client.post(
                "/api/v1/summaries", json=summary_payload(source), headers=liaison
            ).status_code
            == 201
        )
    run_worker(app, burst=True)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # A request whose If-Match names an older version is refused with 412 before its body is
    # read, however wrong the body: a refusal too.
    rejection = schema.config.checks.negative_data_rejection
    schema.config.checks.negative_data_rejection = type(rejection)(
        expected_statuses=[*rejection.expected_statuses, "412"]
    )
    calls = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(
        case=schema.as_strategy(generation_mode=mode), who=st.sampled_from([liaison, translator])
    )
    def fuzz(case, who):
        # Schemathesis asks for gzip as requests does, but its WSGI transport does not decode
        # what the app compresses; the answers' bytes are what is checked here.
        who = {**who, "Accept-Encoding": "identity"}
        response = case.call(headers=who)
        calls.append(response.status_code)
        # Invalid requests must be refused: the document and the API agree on what is valid.
        extra = [negative_data_rejection] if mode == schemathesis.GenerationMode.NEGATIVE else []
        case.validate_response(response, checks=[*CHECKS, *extra], headers=who)

    fuzz()
    print(f"\n{mode}: {len(calls)} requests, statuses {sorted(set(calls))}")
    assert len(calls) >= EXAMPLES
