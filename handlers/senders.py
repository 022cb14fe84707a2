"""The senders of the outbox, by occurrence kind: the one place messages to Slack come from.

A sender loads what its occurrence names, asks the domain whether it is still due, renders it
with its feature's pure views and sends it through ``handlers.delivery`` (which carries the
occurrence key), then records the result through the domain. It never commits: the
dispatcher records the delivery and commits. ``NOTICES`` says, per kind, how the person
behind an effect is told when it was delayed or refused (reminders have none).

Each feature keeps its senders in its own module and adds them here.
"""

from __future__ import annotations

from handlers import effects
from handlers.deals import funnel_senders as deal_funnel
from handlers.deals import senders as deals
from handlers.dispatch import Notice, Sender
from handlers.exit import senders as exits
from handlers.home import senders as home
from handlers.kpis import senders as kpis
from handlers.partners import senders as partners
from handlers.promises import senders as promises
from handlers.reviews import senders as reviews
from handlers.rules import senders as rules
from handlers.wins import senders as wins

SENDERS: dict[str, Sender] = {
    # reviews
    reviews.PROMPT: reviews.send_prompt,
    reviews.OVERDUE: reviews.send_overdue,
    reviews.SNOOZED: reviews.send_snoozed,
    reviews.PAUSED: reviews.send_paused,
    reviews.CLOSED: reviews.send_closed,
    reviews.THREAD_NOTE: reviews.send_thread_note,
    # notes to one person
    effects.NOTE: effects.send_note,
    effects.REPLY: effects.send_reply,
    # rules of engagement
    rules.NUDGE: rules.send_nudge,
    rules.PROPOSAL: rules.send_proposal,
    rules.DECISION: rules.send_decision,
    rules.SHARE: rules.send_rulebook,
    # promises
    promises.REMINDER: promises.send_reminder,
    promises.PARTNER_NOTE: promises.send_partner_note,
    promises.MAKER_NOTE: promises.send_maker_note,
    promises.PARTNER_CARD: promises.send_partner_card,
    # wins
    wins.CELEBRATE: wins.send_celebration,
    wins.COPY: wins.send_copy,
    wins.UPDATE: wins.send_update,
    wins.MENU_CLOSES: wins.send_menu_closes,
    # KPIs and records
    kpis.SHARE: kpis.send_share,
    kpis.CHART: kpis.send_chart,
    kpis.EXPORT: kpis.send_export,
    # partnerships and exits
    partners.LINKED: partners.send_link_notice,
    exits.CLOSING_NOTE: exits.send_closing_note,
    # App Home
    home.HOME: home.send_home,
    # deal registration
    deals.CARD: deals.send_card,
    deals.DECISION: deals.send_decision,
    deals.CONFLICTS: deals.send_conflicts,
    # the deals' funnel and reminders
    deal_funnel.CHANGE: deal_funnel.send_change,
    deal_funnel.DECISION_NUDGE: deal_funnel.send_decision_nudge,
    deal_funnel.PROTECTION: deal_funnel.send_protection_reminder,
}

NOTICES: dict[str, Notice] = {
    partners.LINKED: effects.notice,
    exits.CLOSING_NOTE: effects.notice,
    kpis.SHARE: effects.notice,
    kpis.CHART: effects.notice,
    kpis.EXPORT: effects.notice,
    reviews.CLOSED: effects.notice,
    promises.PARTNER_NOTE: promises.partner_note_notice,
    rules.PROPOSAL: effects.notice,
    rules.DECISION: effects.notice,
    rules.SHARE: effects.notice,
    wins.CELEBRATE: wins.celebration_notice,
    wins.UPDATE: wins.update_notice,
    deals.CARD: effects.notice,
    deals.DECISION: effects.notice,
    deal_funnel.CHANGE: effects.notice,
}

GENERIC_NOTICE = effects.notice
