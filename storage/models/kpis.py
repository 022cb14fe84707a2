"""Indexes the KPI queries and the App Home need on other features' tables.

They read a partnership's wins by close date (quarters, "wins this quarter", recent wins);
the wins table is otherwise indexed by partnership and creation time.
"""

from __future__ import annotations

from sqlalchemy import Index

from storage.models.wins import Win

WINS_BY_CLOSE_DATE = Index("ix_wins_partnership_id_closed_on", Win.partnership_id, Win.closed_on)
