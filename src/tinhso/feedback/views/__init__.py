"""The feedback hub's pages, split by who uses them."""

from tinhso.feedback.views.citizens import (
    document,
    own_document,
    own_photo,
    photo,
    propose,
    public_list,
    public_map,
    report_new,
    report_own,
    report_rate,
    report_reopen,
    track,
)
from tinhso.feedback.views.hotline import hotline, hotline_assist
from tinhso.feedback.views.staff import (
    message_log,
    queue,
    scorecards,
    staff_document,
    staff_photo,
    staff_report,
)
from tinhso.feedback.views.staff_actions import staff_action

__all__ = [
    "document",
    "own_document",
    "own_photo",
    "hotline",
    "hotline_assist",
    "message_log",
    "photo",
    "propose",
    "public_list",
    "public_map",
    "queue",
    "report_new",
    "report_own",
    "report_rate",
    "report_reopen",
    "scorecards",
    "staff_action",
    "staff_document",
    "staff_photo",
    "staff_report",
    "track",
]
