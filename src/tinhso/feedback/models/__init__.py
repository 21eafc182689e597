"""The feedback hub's models, split by noun; everything is importable from here."""

from tinhso.feedback.models.fields import CalendarDay, Field, Routing, Tier, TierDeadline
from tinhso.feedback.models.messages import (
    InboundChannel,
    Message,
    MessageAttempt,
    MessageStatus,
    OutboundGateway,
)
from tinhso.feedback.models.reports import (
    OPEN_STATUSES,
    Channel,
    Complexity,
    ExtensionRequest,
    ExtensionStatus,
    LabelledExample,
    Report,
    ReportEvent,
    ReportPhoto,
    Resolution,
    Status,
    Track,
    _citizen_key,
    original_photo_path,
    public_photo_path,
)
from tinhso.feedback.models.scorecards import Grouping, RollupState, ScorecardDay

__all__ = [
    "OPEN_STATUSES",
    "CalendarDay",
    "Channel",
    "Complexity",
    "ExtensionRequest",
    "ExtensionStatus",
    "Field",
    "Grouping",
    "InboundChannel",
    "LabelledExample",
    "Message",
    "MessageAttempt",
    "MessageStatus",
    "OutboundGateway",
    "Report",
    "ReportEvent",
    "ReportPhoto",
    "Resolution",
    "RollupState",
    "Routing",
    "ScorecardDay",
    "Status",
    "Tier",
    "TierDeadline",
    "Track",
    "_citizen_key",
    "original_photo_path",
    "public_photo_path",
]
