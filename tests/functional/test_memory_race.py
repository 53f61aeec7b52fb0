"""Two translators approving the same sentence at once both succeed: the memory keeps one pair
(the later approval), and neither answers 500 (issue 22, M4)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import make_user
from webapp.accounts import services as users
from webapp.accounts.models import User
from webapp.extensions import db
from webapp.translation import memory
from webapp.translation.models import MemoryEntry


class _Seg:
    source_hash = "f" * 64


@pytest.mark.backends("postgresql")
def test_two_simultaneous_approvals_of_one_sentence_both_land(backend, app):
    email = make_user(app, "translator", ["ja"])
    with app.app_context():
        user_id = users.find_user(db.session, email).id
        engine = db.engine
        first_flushed, errors = threading.Event(), []

        def approve(text: str, hold: bool) -> None:
            with Session(engine) as session:
                try:
                    user = session.get(User, user_id)
                    memory.remember(
                        session,
                        "en",
                        "ja",
                        _Seg(),
                        "The alliance is strong.",
                        text,
                        (None, None),
                        user,
                    )
                    session.flush()
                    if hold:  # the first approval holds its row until the second has tried
                        first_flushed.set()
                        threading.Event().wait(0.5)
                    session.commit()
                except Exception as exc:  # noqa: BLE001 - the test reports it
                    errors.append(exc)
                    first_flushed.set()

        one = threading.Thread(target=approve, args=("同盟は強固だ。", True))
        two = threading.Thread(target=approve, args=("同盟は強い。", False))
        one.start()
        first_flushed.wait(5)
        two.start()
        one.join(10)
        two.join(10)
        assert errors == []
        rows = db.session.scalars(select(MemoryEntry.target_text)).all()
        assert rows == ["同盟は強い。"]
        assert db.session.scalar(select(func.count(MemoryEntry.id))) == 1
