"""Every form's fields, declared once.

The domain reports errors by these names; the modals use them as their input blocks' ids
(``handlers.ids.Block`` takes its form members from here), so an error always lands under
its field.
"""

from __future__ import annotations

from enum import StrEnum


class SetupField(StrEnum):
    CHANNEL = "channel"
    PARTNER_NAME = "partner_name"
    OWNERS = "owners"
    CONTACTS_EXECUTIVE = "contacts_executive"
    CONTACTS_SALES = "contacts_sales"
    CONTACTS_OPERATIONS = "contacts_operations"
    VENDOR_APPROVERS = "vendor_approvers"
    PARTNER_APPROVERS = "partner_approvers"
    DEAL_APPROVERS = "deal_approvers"
    TIME_ZONE = "time_zone"
    HOLIDAY_COUNTRY = "holiday_country"


class WinField(StrEnum):
    PARTNERSHIP = "win_partnership"
    HEADLINE = "win_headline"
    KIND = "win_kind"
    AMOUNT = "win_amount"
    CURRENCY = "win_currency"
    PRODUCT_LINE = "win_product_line"
    NEW_PRODUCT_LINE = "win_new_product_line"
    CLOSED_ON = "win_closed_on"
    PARTNER_CREDITS = "win_partner_credits"
    VENDOR_CREDITS = "win_vendor_credits"
    STORY = "win_story"


class RuleField(StrEnum):
    TITLE = "rule_title"
    TEXT = "rule_text"
    CATEGORY = "rule_category"
    REPLACES = "rule_replaces"
    COMMENT = "rule_comment"  # the comment or reason of a decision
    # the terms a deal-registration rule may carry
    PROTECTION_DAYS = "rule_protection_days"
    DECISION_DAYS = "rule_decision_days"
    EXTENDABLE = "rule_extendable"


class PromiseField(StrEnum):
    PARTNERSHIP = "promise_partnership"
    OWED_TO = "promise_owed_to"
    RAW_DEAL = "promise_raw_deal"
    TEXT = "promise_text"
    DUE = "promise_due_date"
    NOTE = "promise_note"
    COMMENT = "promise_comment"
    NEW_DATE = "promise_new_date"
    REASON = "promise_reason"


class ReviewField(StrEnum):
    HELD_ON = "review_held_on"
    ATTENDEES = "review_attendees"
    NOTES = "review_notes"
    NEXT_STEPS = "review_next_steps"


class CadenceField(StrEnum):
    EVERY_WEEKS = "review_every_weeks"
    WEEKDAY = "review_weekday"
    AT = "review_at"
    STARTING_ON = "review_starting_on"
    MOVE_ON = "review_move_on"
    MOVE_AT = "review_move_at"


class ExitField(StrEnum):
    CHOICE = "exit_choice"
    SUCCESSOR = "exit_successor"
    NOTE = "exit_note"


class DealField(StrEnum):
    PARTNERSHIP = "deal_partnership"
    ACCOUNT = "deal_account"
    DOMAIN = "deal_domain"
    OPPORTUNITY = "deal_opportunity"
    AMOUNT = "deal_amount"
    CURRENCY = "deal_currency"
    PRODUCT_LINE = "deal_product_line"
    NEW_PRODUCT_LINE = "deal_new_product_line"
    CLOSE_ON = "deal_close_on"
    STAGE = "deal_stage"
    PARTNER_REP = "deal_partner_rep"
    NOTE = "deal_note"
    REASON = "deal_reason"  # why a registration is rejected
    QUESTION = "deal_question"  # what the vendor asks for more
    ANSWER = "deal_answer"  # the partner's answer to it
    LOST_REASON = "deal_lost_reason"  # why a deal was lost
