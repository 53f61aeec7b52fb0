"""What questions answers for the domains below it (wired by `webapp.domains`)."""

from __future__ import annotations

from webapp.core.db import DbSession
from webapp.questions import services, views
from webapp.questions.models import QuestionState
from webapp.translation import events as translation
from webapp.translation.models import Translation


def open_on_translation(session: DbSession, tr: Translation) -> list[translation.OpenQuestion]:
    """The open questions on the translation's segments, for approving it."""
    found = []
    for q in services.of_translation(session, tr):
        if q.state == QuestionState.OPEN:
            st = services.segment_of(q, tr)
            found.append(translation.OpenQuestion(q.id, st.key if st else None, q.body))
    return found


translation.open_questions.answer(open_on_translation)
translation.questions_beside_segments.answer(views.beside_segments)
