"""Nudging the approvers a pending rule proposal still waits for."""

from __future__ import annotations

from sqlalchemy.orm import Session

from storage.models import Partnership, Proposal


def schedule(session: Session, proposal: Proposal, partnership: Partnership) -> None:
    """Plan a nudge for the proposal's current version."""


def cancel(session: Session, proposal: Proposal) -> None:
    """Drop the nudges still planned for the proposal."""
