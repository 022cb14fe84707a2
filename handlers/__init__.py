"""The Slack adapter: listeners by feature, Block Kit views, ids, forms, the error boundary."""

from __future__ import annotations

from slack_bolt import App

from handlers import commands, effects, lifecycle
from handlers.deals import changes as deal_changes
from handlers.deals import listeners as deals
from handlers.exit import listeners as exits
from handlers.home import listeners as home
from handlers.kpis import listeners as kpis
from handlers.partners import listeners as partners
from handlers.promises import listeners as promises
from handlers.reviews import listeners as reviews
from handlers.rules import listeners as rules
from handlers.wins import listeners as wins


def register_handlers(app: App) -> None:
    """Wire every feature's listeners to the app."""
    for feature in (
        commands,
        effects,
        partners,
        lifecycle,
        home,
        kpis,
        exits,
        promises,
        reviews,
        rules,
        wins,
        deals,
        deal_changes,
    ):
        feature.register(app)
