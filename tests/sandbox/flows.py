"""Steps several browser tests share, done through the page."""

from __future__ import annotations

from handlers.ids import Block as B
from tests.sandbox.browser import SlackPage


def link_partnership(slack: SlackPage) -> None:
    """Terry (TM) links #acme-partners to Acme Resellers with /partner."""
    slack.open("U_TM", "C0ACME")
    slack.type("/partner")
    slack.modal("Link a partner")
    slack.fill(B.PARTNER_NAME, "Acme Resellers")
    slack.add(B.OWNERS, "U_CAM")
    slack.add(B.CONTACTS_EXECUTIVE, "U_EXEC")
    slack.add(B.CONTACTS_SALES, "U_DANA")
    slack.add(B.CONTACTS_OPERATIONS, "U_PAT")
    slack.submit()
    slack.closed()
    slack.message("linked this channel to the partnership between")
