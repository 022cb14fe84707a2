"""Installations of partnerbot in other workspaces (OAuth distribution) and OAuth states."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UtcDateTime


class Installation(Base):
    """One workspace's (or org's) installation; the tokens live only in ``sealed``.

    ``sealed`` is the installation as slack_sdk describes it, encrypted with the key from
    settings: the database never holds a token in plain text.
    """

    __tablename__ = "installations"
    __table_args__ = (Index("ix_installations_team", "enterprise_id", "team_id", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # "" rather than NULL, so the unique index also holds for installs without an org.
    enterprise_id: Mapped[str] = mapped_column(String(32), default="")
    team_id: Mapped[str] = mapped_column(String(32), default="")
    bot_user_id: Mapped[str | None] = mapped_column(String(32))
    bot_token_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    installed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class OAuthState(Base):
    """A state handed out by /slack/install, good once and for a few minutes."""

    __tablename__ = "oauth_states"

    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
