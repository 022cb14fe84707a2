"""Every model, imported here so ``Base.metadata`` knows all tables (Alembic reads it)."""

from storage.models.base import Base
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

__all__ = [
    "Base",
    "ContactRole",
    "Member",
    "Partnership",
    "PartnershipStatus",
    "Person",
    "ProcessedEvent",
    "Side",
    "Workspace",
]
