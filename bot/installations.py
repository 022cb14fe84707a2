"""Multi-workspace distribution: installations kept encrypted in our database.

slack_sdk's own SQLAlchemy store keeps tokens in plain text; this one seals every
installation with Fernet (AES-128-CBC + HMAC-SHA256) under TOKEN_ENCRYPTION_KEY before it
reaches a table. Bolt uses the store to authorize requests (and rotates tokens while doing
so); scheduled jobs, which have no request, get their client from ``WorkspaceClients``.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.state_store import OAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import people
from bot.domain.clock import utcnow
from bot.pacing import PacedWebClient
from storage.models import Installation as InstallationRow
from storage.models import OAuthState, Partnership

log = logging.getLogger(__name__)

STATE_LIFETIME = timedelta(minutes=10)
ROTATE_BEFORE_EXPIRY_MINUTES = 120


def _plain(value: Any) -> Any:
    # slack_sdk reads its timestamps back from ISO strings whatever their numeric type.
    return value.isoformat() if isinstance(value, datetime) else str(value)


class EncryptedInstallationStore(InstallationStore):
    """slack_sdk's InstallationStore on our tables, every installation sealed."""

    def __init__(self, sessions: sessionmaker[Session], key: str) -> None:
        self.sessions = sessions
        self.fernet = Fernet(key.encode())
        self._logger = log

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    def seal(self, installation: Installation) -> bytes:
        return self.fernet.encrypt(
            json.dumps(installation.to_dict_for_copying(), default=_plain).encode()
        )

    def unseal(self, sealed: bytes) -> Installation | None:
        try:
            return Installation(**json.loads(self.fernet.decrypt(sealed)))
        except InvalidToken:
            log.error("an installation could not be decrypted: is TOKEN_ENCRYPTION_KEY right?")
            return None

    def save(self, installation: Installation) -> None:
        expires = installation.bot_token_expires_at
        with self.sessions.begin() as session:
            row = session.scalar(
                select(InstallationRow).where(
                    InstallationRow.enterprise_id == (installation.enterprise_id or ""),
                    InstallationRow.team_id == (installation.team_id or ""),
                )
            )
            if row is None:
                row = InstallationRow(
                    enterprise_id=installation.enterprise_id or "",
                    team_id=installation.team_id or "",
                )
                session.add(row)
            row.bot_user_id = installation.bot_user_id
            row.bot_token_expires_at = (
                datetime.fromtimestamp(expires, UTC) if isinstance(expires, int) else expires
            )
            row.sealed = self.seal(installation)
            row.installed_at = utcnow()
            if installation.team_id:
                workspace = people.ensure_workspace(
                    session, installation.team_id, installation.team_name
                )
                # Named in refusals when the other organization's installation meets a
                # channel this one linked.
                workspace.name = installation.team_name or workspace.name
                if installation.enterprise_id:
                    # Partnerships linked before we knew the workspace is on Enterprise Grid.
                    session.execute(
                        update(Partnership)
                        .where(
                            Partnership.vendor_team_id == installation.team_id,
                            Partnership.vendor_enterprise_id.is_(None),
                        )
                        .values(vendor_enterprise_id=installation.enterprise_id)
                    )

    def save_bot(self, bot: Bot) -> None:
        # Bots are part of the installation saved above; nothing separate to keep.
        return None

    def _row(
        self,
        session: Session,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None,
    ) -> InstallationRow | None:
        query = select(InstallationRow).where(
            InstallationRow.enterprise_id == (enterprise_id or "")
        )
        if not is_enterprise_install:
            query = query.where(InstallationRow.team_id == (team_id or ""))
        return session.scalar(query)

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        with self.sessions() as session:
            row = self._row(session, enterprise_id, team_id, is_enterprise_install)
            return self.unseal(row.sealed) if row is not None else None

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        installation = self.find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        if installation is None or installation.bot_token is None:
            return None
        return installation.to_bot()

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        with self.sessions.begin() as session:
            session.execute(
                delete(InstallationRow).where(
                    InstallationRow.enterprise_id == (enterprise_id or ""),
                    InstallationRow.team_id == (team_id or ""),
                )
            )

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.delete_installation(enterprise_id=enterprise_id, team_id=team_id)


class DatabaseStateStore(OAuthStateStore):
    """OAuth states in our database, so any replica can finish an install another began."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self._logger = log

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    def issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        with self.sessions.begin() as session:
            session.add(OAuthState(state=state, expires_at=utcnow() + STATE_LIFETIME))
        return state

    def consume(self, state: str) -> bool:
        with self.sessions.begin() as session:
            row = session.get(OAuthState, state)
            if row is None:
                return False
            session.delete(row)
            return row.expires_at > utcnow()


class WorkspaceClients:
    """The right bot token for a workspace, for work that has no Slack request behind it."""

    def __init__(
        self,
        base: WebClient,
        store: EncryptedInstallationStore | None = None,
        rotator: TokenRotator | None = None,
    ) -> None:
        self.base = base
        self.store = store
        self.rotator = rotator

    def for_team(self, team_id: str | None, enterprise_id: str | None = None) -> WebClient | None:
        """A client for ``team_id``; None when partnerbot is not installed there.

        On Enterprise Grid the workspace's own installation is preferred; an installation for
        the whole organization (``enterprise_id``) serves every workspace in it.
        """
        if self.store is None:
            return self.base  # single-workspace mode: the one configured token
        installation = self.store.find_installation(enterprise_id=enterprise_id, team_id=team_id)
        if installation is None and enterprise_id:
            installation = self.store.find_installation(
                enterprise_id=enterprise_id, team_id=None, is_enterprise_install=True
            )
        if installation is None and enterprise_id:
            installation = self.store.find_installation(enterprise_id=None, team_id=team_id)
        if installation is None or installation.bot_token is None:
            return None
        if self.rotator is not None and installation.bot_refresh_token:
            refreshed = self.rotator.perform_token_rotation(
                installation=installation,
                minutes_before_expiration=ROTATE_BEFORE_EXPIRY_MINUTES,
            )
            if refreshed is not None:
                self.store.save(refreshed)
                installation = refreshed
        if isinstance(self.base, PacedWebClient):
            return PacedWebClient(
                token=installation.bot_token,
                base_url=self.base.base_url,
                timeout=self.base.timeout,
                retry_handlers=list(self.base.retry_handlers),
                pacer=self.base.pacer,  # one channel, one pace, whichever token posts
            )
        return WebClient(
            token=installation.bot_token,
            base_url=self.base.base_url,
            timeout=self.base.timeout,
            retry_handlers=list(self.base.retry_handlers),
        )
