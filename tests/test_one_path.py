"""The house rules that keep Slack behind one path and people's text escaped, checked on the
source: a new feature that posts on its own, or builds mrkdwn from a raw string, fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from handlers.blocks import message, note, section
from handlers.text import Mrkdwn, escape, md, user

HANDLERS = Path(__file__).resolve().parents[1] / "handlers"

# The only modules that call Slack's writing methods: the dispatcher's senders, the one module
# that tells people things, keyed delivery, and the generic effects.
WRITERS = {"delivery.py", "tell.py", "effects.py"}
WRITES = re.compile(
    r"\.(chat_postMessage|chat_postEphemeral|chat_update|views_publish|files_upload_v2|"
    r"reactions_add)\("
)
# Block Kit's mrkdwn objects are built only by handlers.blocks (which take Mrkdwn).
RAW_MRKDWN = re.compile(r"\b(MarkdownTextObject|SectionBlock|ContextBlock)\(")


def sources() -> list[tuple[str, str]]:
    return [(str(p.relative_to(HANDLERS)), p.read_text()) for p in sorted(HANDLERS.rglob("*.py"))]


def test_only_senders_and_the_telling_module_write_to_slack():
    offenders = [
        name
        for name, text in sources()
        if WRITES.search(text) and name not in WRITERS and not name.endswith("senders.py")
    ]
    assert offenders == [], f"these write to Slack outside the one path: {offenders}"


def test_listeners_never_commit():
    """The boundary commits, then sends what the change declared (handlers.effects)."""
    offenders = [
        name
        for name, text in sources()
        if "session.commit()" in text and name not in ("boundary.py", "dispatch.py", "lifecycle.py")
    ]
    assert offenders == [], offenders


def test_mrkdwn_objects_are_built_only_by_the_strict_builders():
    offenders = [
        name for name, text in sources() if RAW_MRKDWN.search(text) and name != "blocks.py"
    ]
    assert offenders == [], offenders


def test_a_plain_string_cannot_reach_a_mrkdwn_field():
    for build in (
        lambda: section("<!channel>"),
        lambda: note("<!here>"),
        lambda: message("<!everyone>"),
        lambda: section(fields=["<https://evil.example|x>"]),
    ):
        with pytest.raises(TypeError, match=r"handlers\.text"):
            build()


def test_md_escapes_what_people_typed_and_keeps_what_the_bot_means():
    said = md("{} logged *{}*", user("U123"), "<!channel> & <https://evil.example|click>")
    assert isinstance(said, Mrkdwn)
    assert said == "<@U123> logged *&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;*"
    assert escape("Cloud\u200bBackup \u202eevil") == "CloudBackup evil"
    assert user("<!channel>") == "&lt;!channel&gt;"  # not an id: shown as text
