"""Every model, imported here so ``Base.metadata`` knows all tables (Alembic reads it)."""

from storage.models.base import Base
from storage.models.deals import (
    ACTIVE_REGISTRATION,
    ConflictReason,
    DealChange,
    DealChangeKind,
    DealConflict,
    DealStage,
    Registration,
    RegistrationStatus,
)
from storage.models.installations import Installation, OAuthState
from storage.models.kpis import WINS_BY_CLOSE_DATE
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
from storage.models.rules import (
    OPEN_PROPOSAL,
    Decision,
    DecisionKind,
    Proposal,
    ProposalStatus,
    Rule,
    RuleCategory,
    RuleStatus,
    RuleVersion,
)
from storage.models.wins import ProductLine, Win, WinChange, WinChangeKind, WinCredit, WinKind

__all__ = [
    "ACTIVE_REGISTRATION",
    "OPEN_PROPOSAL",
    "OPEN_STATES",
    "WINS_BY_CLOSE_DATE",
    "Base",
    "ConflictReason",
    "ContactRole",
    "DealChange",
    "DealChangeKind",
    "DealConflict",
    "DealStage",
    "Decision",
    "DecisionKind",
    "Installation",
    "Member",
    "OAuthState",
    "Occurrence",
    "OccurrenceStatus",
    "Partnership",
    "PartnershipStatus",
    "Person",
    "ProcessedEvent",
    "ProductLine",
    "Promise",
    "PromiseEvent",
    "PromiseEventKind",
    "PromiseState",
    "Proposal",
    "ProposalStatus",
    "Registration",
    "RegistrationStatus",
    "Review",
    "ReviewSchedule",
    "ReviewStatus",
    "Rule",
    "RuleCategory",
    "RuleStatus",
    "RuleVersion",
    "Side",
    "Win",
    "WinChange",
    "WinChangeKind",
    "WinCredit",
    "WinKind",
    "Workspace",
]
