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
    # rules of engagement
    # reviews
    # promises
    # kpis and exit


class Action(StrEnum):
    # partnerships
    SHOW_SUMMARY = "partnership_show_summary"
    EDIT_PARTNERSHIP = "partnership_edit"
    # wins
    # rules of engagement
    # reviews
    # promises
    # kpis and exit


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
    # wins
    # rules of engagement
    # reviews
    # promises
    # kpis and exit


# Each input block holds one element; its action_id is "value" so forms read uniformly.
VALUE = "value"
