"""Every action_id, callback_id and block_id partnerbot uses, in one place.

An input block's id is the name of the form field it holds, so a domain error naming a field
lands on the right block. Each feature keeps its ids in its own section below.
"""

from __future__ import annotations

from enum import StrEnum


class Callback(StrEnum):
    # partnerships
    PARTNERSHIP_SETUP = "partnership_setup"
    # wins
    WIN_LOG = "win_log"
    WIN_EDIT = "win_edit"
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
    # kpis and exit
    EXIT = "partnership_exit"


class Action(StrEnum):
    # any effect Slack refused for good, tried again once the person fixed the channel
    EFFECT_RETRY = "effect_try_again"
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
    # kpis and exit
    SHOW_KPIS = "kpis_show"
    SHARE_KPIS = "kpis_share"
    RESUME_PARTNERSHIP = "partnership_resume"
    HOME_REFRESH = "home_refresh"


class Block(StrEnum):
    # partnerships (setup modal fields)
    CHANNEL = "channel"
    PARTNER_NAME = "partner_name"
    OWNERS = "owners"
    CONTACTS_EXECUTIVE = "contacts_executive"
    CONTACTS_SALES = "contacts_sales"
    CONTACTS_OPERATIONS = "contacts_operations"
    VENDOR_APPROVERS = "vendor_approvers"
    PARTNER_APPROVERS = "partner_approvers"
    TIME_ZONE = "time_zone"
    HOLIDAY_COUNTRY = "holiday_country"
    SUMMARY_ACTIONS = "partnership_summary_actions"
    # wins (modal fields: the same names as bot.domain.wins' form fields)
    WIN_PARTNERSHIP = "win_partnership"
    WIN_HEADLINE = "win_headline"
    WIN_KIND = "win_kind"
    WIN_AMOUNT = "win_amount"
    WIN_CURRENCY = "win_currency"
    WIN_PRODUCT_LINE = "win_product_line"
    WIN_NEW_PRODUCT_LINE = "win_new_product_line"
    WIN_CLOSED_ON = "win_closed_on"
    WIN_PARTNER_CREDITS = "win_partner_credits"
    WIN_VENDOR_CREDITS = "win_vendor_credits"
    WIN_STORY = "win_story"
    WIN_HEADER = "win_header"  # the celebration's first section, which holds the overflow
    WIN_OUTCOME_ACTIONS = "win_outcome_actions"
    # rules of engagement
    RULE_TITLE = "rule_title"  # modal fields: the same names as bot.domain.rules' fields
    RULE_TEXT = "rule_text"
    RULE_CATEGORY = "rule_category"
    RULE_REPLACES = "rule_replaces"
    RULE_COMMENT = "rule_comment"
    ROE_DECISION_ACTIONS = "roe_decision_actions"
    ROE_RULEBOOK_ACTIONS = "roe_rulebook_actions"
    # reviews (modal fields: the same names as bot.domain's review form fields)
    REVIEW_HELD_ON = "review_held_on"
    REVIEW_ATTENDEES = "review_attendees"
    REVIEW_NOTES = "review_notes"
    REVIEW_NEXT_STEPS = "review_next_steps"
    REVIEW_EVERY_WEEKS = "review_every_weeks"
    REVIEW_WEEKDAY = "review_weekday"
    REVIEW_AT = "review_at"
    REVIEW_STARTING_ON = "review_starting_on"
    REVIEW_MOVE_ON = "review_move_on"
    REVIEW_MOVE_AT = "review_move_at"
    REVIEW_ACTIONS = "review_actions"
    REVIEW_HINT = "review_hint"
    # promises (modal fields: the same names as bot.domain.promises' form fields)
    PROMISE_PARTNERSHIP = "promise_partnership"
    PROMISE_OWED_TO = "promise_owed_to"
    PROMISE_RAW_DEAL = "promise_raw_deal"
    PROMISE_TEXT = "promise_text"
    PROMISE_DUE = "promise_due_date"
    PROMISE_NOTE = "promise_note"
    PROMISE_COMMENT = "promise_comment"
    PROMISE_NEW_DATE = "promise_new_date"
    PROMISE_REASON = "promise_reason"
    PROMISE_ACTIONS = "promise_actions"
    # kpis and exit
    EXIT_CHOICE = "exit_choice"
    EXIT_SUCCESSOR = "exit_successor"
    EXIT_NOTE = "exit_note"
    KPI_ACTIONS = "kpis_actions"
    HOME_ACTIONS = "home_actions"


# Each input block holds one element; its action_id is "value" so forms read uniformly.
VALUE = "value"
