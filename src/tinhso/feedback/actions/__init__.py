"""Every write to a report, one module per noun: `intake` (a draft becomes a report; the
hotline's call), `workflow` (the transitions and photo moderation), `extensions`,
`merging`. Each records a timeline event and an audit entry in the same transaction, and
emits its event. Callers use this package: `actions.submit_report(actor, draft)`."""

from tinhso.feedback.actions.common import WorkflowError
from tinhso.feedback.actions.extensions import (
    MAX_EXTENSION_DAYS,
    decide_extension,
    request_extension,
)
from tinhso.feedback.actions.intake import (
    MAX_TEXT,
    ReportDraft,
    apply_processing,
    submit_report,
    take_call,
)
from tinhso.feedback.actions.merging import merge_duplicate
from tinhso.feedback.actions.workflow import (
    REOPEN_DAYS,
    accept_report,
    answer_report,
    assign_report,
    change_field,
    close_report,
    comment_report,
    hide_photo,
    rate_report,
    refuse_report,
    reopen_report,
    set_complexity,
    start_report,
    transfer_report,
)

__all__ = [
    "MAX_EXTENSION_DAYS",
    "MAX_TEXT",
    "REOPEN_DAYS",
    "ReportDraft",
    "WorkflowError",
    "accept_report",
    "answer_report",
    "assign_report",
    "apply_processing",
    "change_field",
    "close_report",
    "comment_report",
    "decide_extension",
    "hide_photo",
    "merge_duplicate",
    "rate_report",
    "refuse_report",
    "reopen_report",
    "set_complexity",
    "request_extension",
    "start_report",
    "submit_report",
    "take_call",
    "transfer_report",
]
