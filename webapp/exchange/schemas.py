"""API input and output of the XLIFF exchange."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from webapp.core.schemas import InputModel, OutputModel
from webapp.exchange.services import Report


class XliffQuery(InputModel):
    version: Literal["2.1", "1.2"] = "2.1"
    fill: Literal["source"] | None = Field(
        default=None,
        description=(
            "source: copy the source into empty targets, marked not translated (for tools "
            "such as OmegaT that translate what they find in the target); import ignores a "
            "target so marked that still equals its source."
        ),
    )


class XliffUpload(InputModel):
    """multipart/form-data: the file, and a reason for approving over quality warnings."""

    file: str = Field(description="The XLIFF file (2.1 or 1.2) exported from this translation.")
    reason: str | None = Field(default=None, max_length=500)


class XliffUnitOut(OutputModel):
    key: str
    label: str
    outcome: Literal["saved", "approved", "unchanged", "refused"]
    message: str


class XliffReportOut(OutputModel):
    translation_id: int
    saved: int
    approved: int
    unchanged: int
    refused: int
    units: list[XliffUnitOut]


def report_out(report: Report) -> XliffReportOut:
    return XliffReportOut(
        translation_id=report.translation_id,
        saved=report.count("saved"),
        approved=report.count("approved"),
        unchanged=report.count("unchanged"),
        refused=report.refused,
        units=[
            XliffUnitOut(key=u.key, label=u.label, outcome=u.outcome, message=u.message)
            for u in report.units
        ],
    )
