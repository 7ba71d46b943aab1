"""ORM models, one module per aggregate; importing this registers them all."""

from frontdoor.db.base import Base
from frontdoor.models.account import (
    Account,
    AccountDomain,
    Contact,
    Identity,
    IdentityKind,
    PipelineStage,
)
from frontdoor.models.account_health import AccountHealthSnapshot, AccountStageChange
from frontdoor.models.alert import Alert, AlertStatus
from frontdoor.models.close_loop import LoopNotification, LoopStatus
from frontdoor.models.conversation import (
    AuthorKind,
    Channel,
    Conversation,
    ConversationStatus,
    Message,
)
from frontdoor.models.invitation import Invitation
from frontdoor.models.notification import Notification, NotificationChannel, NotificationStatus
from frontdoor.models.oncall import DigestStatus, OncallDigest, OncallRead
from frontdoor.models.quarantine import QuarantinedRecord, QuarantineStatus
from frontdoor.models.roadmap import RoadmapItem, RoadmapStatus, roadmap_item_tag
from frontdoor.models.routing import RouteEvent, RouteMethod
from frontdoor.models.source import Source
from frontdoor.models.survey import SurveyKind, SurveyResponse
from frontdoor.models.tag import (
    AssignmentStatus,
    Origin,
    Tag,
    TagAssignment,
    TagDimension,
    TagStatus,
)
from frontdoor.models.webhook import DeliveryStatus, WebhookDelivery
from frontdoor.models.workspace import ApiToken, Role, User, Workspace

# Every table (importing this package registered them): what migrations must match.
metadata = Base.metadata

__all__ = [
    "Account",
    "AccountDomain",
    "AccountHealthSnapshot",
    "AccountStageChange",
    "Alert",
    "AlertStatus",
    "ApiToken",
    "AssignmentStatus",
    "AuthorKind",
    "Channel",
    "Contact",
    "Conversation",
    "ConversationStatus",
    "DeliveryStatus",
    "DigestStatus",
    "Identity",
    "IdentityKind",
    "Invitation",
    "LoopNotification",
    "LoopStatus",
    "Message",
    "Notification",
    "NotificationChannel",
    "NotificationStatus",
    "OncallDigest",
    "OncallRead",
    "Origin",
    "PipelineStage",
    "QuarantineStatus",
    "QuarantinedRecord",
    "RoadmapItem",
    "RoadmapStatus",
    "Role",
    "RouteEvent",
    "RouteMethod",
    "Source",
    "SurveyKind",
    "SurveyResponse",
    "Tag",
    "TagAssignment",
    "TagDimension",
    "TagStatus",
    "User",
    "WebhookDelivery",
    "Workspace",
    "metadata",
    "roadmap_item_tag",
]
