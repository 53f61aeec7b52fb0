"""The dead letters say what each job was about and show its error readably (issue 21, item
11): a machine translation names its summary (title, language, link); text in backticks is
code; anything in an error stays text; a traceback folds."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from tests.factories import make_user, sign_in, staff_headers, summary_payload
from webapp.core.db import utcnow
from webapp.extensions import db
from webapp.jobs.describe import readable_error
from webapp.jobs.models import Job, JobStatus

pytestmark = pytest.mark.backends("sqlite", "postgresql")

ERROR = "No model for `en` → `ja`: install one with `flask mt install`. <script>alert(1)</script>"


def test_a_dead_machine_translation_names_its_summary_and_its_error_reads(app, client):
    made = client.post(
        "/api/v1/summaries", json=summary_payload(), headers=staff_headers(app, "liaison")
    ).json
    with app.app_context():
        job_id = db.session.scalar(select(Job.id).where(Job.kind == "machine_translate"))
        db.session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status=JobStatus.DEAD, last_error=ERROR, attempts=3, finished_at=utcnow())
        )
        db.session.commit()
    sign_in(client, make_user(app, "admin"))
    html = client.get("/admin/jobs/").get_data(as_text=True)
    row = html[html.index(f"#{job_id}") :]
    row = row[: row.index("</tr>")]
    assert f'href="/manage/summaries/{made["id"]}"' in row
    assert summary_payload()["title"] in row and 'lang="en"' in row
    assert "into Japanese" in row
    assert "<code>en</code> → <code>ja</code>" in row and "<code>flask mt install</code>" in row
    assert "<script>" not in row and "&lt;script&gt;alert(1)&lt;/script&gt;" in row
    assert "`" not in row


def test_a_traceback_folds_to_its_last_line_and_everything_stays_escaped():
    trace = 'Traceback (most recent call last):\n  File "x.py", line 1\nValueError: bad `x` <b>'
    html = str(readable_error(trace))
    assert html.startswith("ValueError: bad <code>x</code> &lt;b&gt;<details")
    assert "<pre>Traceback" in html and "&lt;b&gt;</pre></details>" in html
    assert str(readable_error("`<i>`")) == "<code>&lt;i&gt;</code>"
    assert str(readable_error(None)) == "—"
