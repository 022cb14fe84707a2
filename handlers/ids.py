"""Every action_id, callback_id and block_id partnerbot uses, in one place.

An input block's id is the name of the form field it holds, so a domain error naming a field
lands on the right block. Each feature keeps its ids in its own section below.
"""

from __future__ import annotations

from enum import StrEnum

from bot.domain.fields import (
    CadenceField,
    DealField,
    ExitField,
    PromiseField,
    ReviewField,
    RuleField,
    SetupField,
    WinField,
)


class Callback(StrEnum):
    # partnerships
    PARTNERSHIP_SETUP = "partnership_setup"
    # wins
    WIN_LOG = "win_log"
    WIN_EDIT = "win_edit"
    WIN_WITHDRAW = "win_withdraw"  # the dialog that confirms withdrawing a win
    # rules of engagement
    ROE_PROPOSE = "roe_propose"
    ROE_AMEND = "roe_amend"
    ROE_REQUEST_CHANGES = "roe_request_changes"
    ROE_REJECT = "roe_reject"
    ROE_RETIRE = "roe_retire"
    # reviews
    REVIEW_HELD = "review_held"
    REVIEW_CADENCE = "review_cadence"
    # promises
    PROMISE_MAKE = "promise_make"
    PROMISE_MADE_GOOD = "promise_made_good"
    PROMISE_NOT_YET = "promise_not_yet"
    PROMISE_RENEGOTIATE = "promise_renegotiate"
    PROMISE_DISPUTE = "promise_dispute"  # "That's not what we agreed", with a note
    # kpis and exit
    KPI_SHARE = "kpis_share_preview"  # what sharing will post, confirmed before it is
    EXIT = "partnership_exit"
    # deals: the funnel
    DEAL_UPDATE = "deal_update"
    DEAL_LOST = "deal_lost"
    DEAL_WON = "deal_won"  # the /win modal opened by Mark won
    # deal registration
    DEAL_REGISTER = "deal_register"
    DEAL_APPROVE = "deal_approve"
    DEAL_REJECT = "deal_reject"
    DEAL_ASK = "deal_ask"
    DEAL_ANSWER = "deal_answer"


class Action(StrEnum):
    # any effect Slack refused for good, tried again once the person fixed the channel
    EFFECT_RETRY = "effect_try_again"
    # a URL button (a permalink): Slack still sends the click, which is only acked
    OPEN_LINK = "open_link"
    # partnerships
    SHOW_SUMMARY = "partnership_show_summary"
    EDIT_PARTNERSHIP = "partnership_edit"
    # wins
    LOG_WIN = "win_log_open"
    WIN_MENU = "win_menu"  # the overflow on a celebration: edit / withdraw
    WIN_REPOST = "win_repost"
    # rules of engagement
    ROE_PROPOSE = "roe_propose_open"  # "Propose a rule" on the partnership summary
    ROE_RULEBOOK = "roe_rulebook"  # "Rulebook" on the summary; its value is the partnership id
    ROE_RULEBOOK_PAGE = "roe_rulebook_page"  # "More": the value is "partnership:page"
    ROE_SHARE = "roe_share"
    ROE_RULE_MENU = "roe_rule_menu"  # overflow on a rule: history / replace / retire
    ROE_APPROVE = "roe_approve"  # thread buttons carry "proposal:version"
    ROE_REQUEST_CHANGES = "roe_request_changes_open"
    ROE_REJECT = "roe_reject_open"
    ROE_AMEND = "roe_amend_open"
    ROE_WITHDRAW = "roe_withdraw"
    # reviews
    REVIEW_HELD = "review_held_open"
    REVIEW_SNOOZE = "review_snooze"
    REVIEW_SKIP = "review_skip"
    REVIEW_CADENCE = "review_cadence_open"
    # promises
    PROMISE_MADE_GOOD = "promise_made_good_open"
    PROMISE_SNOOZE = "promise_snooze"
    PROMISE_RENEGOTIATE = "promise_renegotiate_open"
    PROMISE_CONFIRM = "promise_confirm"
    PROMISE_NOT_YET = "promise_not_yet_open"
    PROMISE_ACCEPT_DATE = "promise_accept_date"
    PROMISE_DECLINE_DATE = "promise_decline_date"
    PROMISE_RELEASE = "promise_release"
    PROMISE_ACKNOWLEDGE = "promise_acknowledge"  # the partner's first, neutral answer
    PROMISE_DISPUTE = "promise_dispute_open"
    # kpis and exit
    SHOW_KPIS = "kpis_show"
    SHARE_KPIS = "kpis_share"
    RESUME_PARTNERSHIP = "partnership_resume"
    HOME_REFRESH = "home_refresh"
    # deals: the funnel (values: the registration id; the funnel's: "partnership:page")
    DEAL_UPDATE = "deal_update_open"
    DEAL_HISTORY = "deal_history"
    DEAL_WON = "deal_won_open"
    DEAL_LOST = "deal_lost_open"
    DEAL_EXTEND = "deal_extend"
    DEAL_FUNNEL = "deal_funnel"
    DEAL_FUNNEL_PAGE = "deal_funnel_page"
    # deal registration: "Register a deal" carries the partnership id; the card's buttons the
    # registration's id
    DEAL_REGISTER = "deal_register_open"
    DEAL_APPROVE = "deal_approve_open"
    DEAL_REJECT = "deal_reject_open"
    DEAL_ASK = "deal_ask_open"
    DEAL_ANSWER = "deal_answer_open"


class Block(StrEnum):
    # A form's input blocks are named by its fields in bot.domain.fields, declared there once.
    # partnerships (setup modal fields)
    CHANNEL = SetupField.CHANNEL.value
    PARTNER_NAME = SetupField.PARTNER_NAME.value
    OWNERS = SetupField.OWNERS.value
    CONTACTS_EXECUTIVE = SetupField.CONTACTS_EXECUTIVE.value
    CONTACTS_SALES = SetupField.CONTACTS_SALES.value
    CONTACTS_OPERATIONS = SetupField.CONTACTS_OPERATIONS.value
    VENDOR_APPROVERS = SetupField.VENDOR_APPROVERS.value
    PARTNER_APPROVERS = SetupField.PARTNER_APPROVERS.value
    DEAL_APPROVERS = SetupField.DEAL_APPROVERS.value
    TIME_ZONE = SetupField.TIME_ZONE.value
    HOLIDAY_COUNTRY = SetupField.HOLIDAY_COUNTRY.value
    SUMMARY_ACTIONS = "partnership_summary_actions"
    # wins (modal fields: declared once, in bot.domain.fields)
    WIN_PARTNERSHIP = WinField.PARTNERSHIP.value
    WIN_HEADLINE = WinField.HEADLINE.value
    WIN_KIND = WinField.KIND.value
    WIN_AMOUNT = WinField.AMOUNT.value
    WIN_CURRENCY = WinField.CURRENCY.value
    WIN_PRODUCT_LINE = WinField.PRODUCT_LINE.value
    WIN_NEW_PRODUCT_LINE = WinField.NEW_PRODUCT_LINE.value
    WIN_CLOSED_ON = WinField.CLOSED_ON.value
    WIN_PARTNER_CREDITS = WinField.PARTNER_CREDITS.value
    WIN_VENDOR_CREDITS = WinField.VENDOR_CREDITS.value
    WIN_STORY = WinField.STORY.value
    WIN_HEADER = "win_header"  # the celebration's first section, which holds the overflow
    WIN_OUTCOME_ACTIONS = "win_outcome_actions"
    # rules of engagement
    RULE_TITLE = RuleField.TITLE.value  # modal fields: bot.domain.fields
    RULE_TEXT = RuleField.TEXT.value
    RULE_CATEGORY = RuleField.CATEGORY.value
    RULE_REPLACES = RuleField.REPLACES.value
    RULE_COMMENT = RuleField.COMMENT.value
    RULE_PROTECTION_DAYS = RuleField.PROTECTION_DAYS.value
    RULE_DECISION_DAYS = RuleField.DECISION_DAYS.value
    RULE_EXTENDABLE = RuleField.EXTENDABLE.value
    ROE_DECISION_ACTIONS = "roe_decision_actions"
    ROE_RULEBOOK_ACTIONS = "roe_rulebook_actions"
    # reviews (modal fields: bot.domain.fields)
    REVIEW_HELD_ON = ReviewField.HELD_ON.value
    REVIEW_ATTENDEES = ReviewField.ATTENDEES.value
    REVIEW_NOTES = ReviewField.NOTES.value
    REVIEW_NEXT_STEPS = ReviewField.NEXT_STEPS.value
    REVIEW_EVERY_WEEKS = CadenceField.EVERY_WEEKS.value
    REVIEW_WEEKDAY = CadenceField.WEEKDAY.value
    REVIEW_AT = CadenceField.AT.value
    REVIEW_STARTING_ON = CadenceField.STARTING_ON.value
    REVIEW_MOVE_ON = CadenceField.MOVE_ON.value
    REVIEW_MOVE_AT = CadenceField.MOVE_AT.value
    REVIEW_ACTIONS = "review_actions"
    REVIEW_HINT = "review_hint"
    # promises (modal fields: bot.domain.fields)
    PROMISE_PARTNERSHIP = PromiseField.PARTNERSHIP.value
    PROMISE_OWED_TO = PromiseField.OWED_TO.value
    PROMISE_RAW_DEAL = PromiseField.RAW_DEAL.value
    PROMISE_TEXT = PromiseField.TEXT.value
    PROMISE_DUE = PromiseField.DUE.value
    PROMISE_NOTE = PromiseField.NOTE.value
    PROMISE_COMMENT = PromiseField.COMMENT.value
    PROMISE_NEW_DATE = PromiseField.NEW_DATE.value
    PROMISE_REASON = PromiseField.REASON.value
    PROMISE_ACTIONS = "promise_actions"
    # kpis and exit
    EXIT_CHOICE = ExitField.CHOICE.value
    EXIT_SUCCESSOR = ExitField.SUCCESSOR.value
    EXIT_NOTE = ExitField.NOTE.value
    KPI_ACTIONS = "kpis_actions"
    HOME_ACTIONS = "home_actions"
    # deal registration (modal fields: bot.domain.fields)
    DEAL_PARTNERSHIP = DealField.PARTNERSHIP.value
    DEAL_ACCOUNT = DealField.ACCOUNT.value
    DEAL_DOMAIN = DealField.DOMAIN.value
    DEAL_OPPORTUNITY = DealField.OPPORTUNITY.value
    DEAL_AMOUNT = DealField.AMOUNT.value
    DEAL_CURRENCY = DealField.CURRENCY.value
    DEAL_PRODUCT_LINE = DealField.PRODUCT_LINE.value
    DEAL_NEW_PRODUCT_LINE = DealField.NEW_PRODUCT_LINE.value
    DEAL_CLOSE_ON = DealField.CLOSE_ON.value
    DEAL_STAGE = DealField.STAGE.value
    DEAL_PARTNER_REP = DealField.PARTNER_REP.value
    DEAL_NOTE = DealField.NOTE.value
    DEAL_REASON = DealField.REASON.value
    DEAL_QUESTION = DealField.QUESTION.value
    DEAL_ANSWER = DealField.ANSWER.value
    DEAL_STATUS = "deal_status"  # the card's status line
    DEAL_CARD_ACTIONS = "deal_card_actions"  # the decision buttons on the card
    DEAL_THREAD_ACTIONS = "deal_thread_actions"  # "Answer" under a question in the thread
    # deals: the funnel (the update modal reuses DEAL_STAGE, DEAL_AMOUNT, DEAL_CURRENCY and
    # DEAL_CLOSE_ON)
    DEAL_LOST_REASON = DealField.LOST_REASON.value
    DEAL_FUNNEL_ACTIONS = "deal_funnel_actions"  # Update · History · Mark won · Mark lost
    DEAL_FUNNEL_PAGES = "deal_funnel_pages"  # Previous / Next in the whole funnel
    DEAL_REMINDER_ACTIONS = "deal_reminder_actions"  # Extend · Update stage


# Each input block holds one element; its action_id is "value" so forms read uniformly.
VALUE = "value"
