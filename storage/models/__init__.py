"""Every model, imported here so ``Base.metadata`` knows all tables (Alembic reads it)."""

from storage.models.base import Base
from storage.models.outbox import Occurrence, OccurrenceStatus
from storage.models.partnerships import (
    ContactRole,
    Member,
    Partnership,
    PartnershipStatus,
    Person,
    ProcessedEvent,
    Side,
    Workspace,
)
from storage.models.promises import (
    OPEN_STATES,
    Promise,
    PromiseEvent,
    PromiseEventKind,
    PromiseState,
)
from storage.models.reviews import Review, ReviewSchedule, ReviewStatus

__all__ = [
    "OPEN_STATES",
    "Promise",
    "PromiseEvent",
    "PromiseEventKind",
    "PromiseState",
    "Base",
    "ContactRole",
    "Member",
    "Occurrence",
    "OccurrenceStatus",
    "Partnership",
    "PartnershipStatus",
    "Person",
    "ProcessedEvent",
    "Review",
    "ReviewSchedule",
    "ReviewStatus",
    "Side",
    "Workspace",
]
