"""Hostile strings a person might type, and a check that none of them reached Slack live."""

from __future__ import annotations

import json
import re
from typing import Any

HOSTILE = [
    "<!channel> <!here> <https://evil.example|click here>",
    "<!everyone> ping",
    "<@UEVIL1> <#CEVIL1> & friends",
    "Cloud\u200bBackup",
    "\u202eevil reversed",
    "*bold* _it_ ~strike~ `code` > quote",
    "💥" * 80,
    "שלום עולם مرحبا",
    '=HYPERLINK("https://evil.example")',
    "x" * 400,
]

# Markup that a person's text must never turn into: special mentions, mentions and links.
LIVE = re.compile(r"<!(channel|here|everyone)[^>]*>|<https?://evil|<@UEVIL1>|<#CEVIL1>|\u202e")


def live_markup(payload: Any) -> list[str]:
    """Every live special mention, mention or link found anywhere in ``payload``."""
    return [m.group(0) for m in LIVE.finditer(json.dumps(payload, ensure_ascii=False))]
