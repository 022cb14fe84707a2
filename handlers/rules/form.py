"""Reading the rule modal into the domain's form."""

from __future__ import annotations

from typing import Any

from bot.domain.rules.service import RuleForm
from handlers import forms
from handlers.ids import Block as B
from handlers.subjects import optional_id


def read_rule_form(body: dict[str, Any]) -> RuleForm:
    replaces = forms.option(body, B.RULE_REPLACES)
    return RuleForm(
        title=forms.text(body, B.RULE_TITLE),
        text=forms.text(body, B.RULE_TEXT),
        category=forms.option(body, B.RULE_CATEGORY),
        replaces_rule_id=optional_id(replaces),
        protection_days=forms.text(body, B.RULE_PROTECTION_DAYS),
        decision_days=forms.text(body, B.RULE_DECISION_DAYS),
        extendable=forms.option(body, B.RULE_EXTENDABLE),
    )
