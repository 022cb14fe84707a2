"""Slack's text formats as HTML: mrkdwn and plain_text, the way Slack's clients show them.

Slack text arrives escaped (``&amp;``, ``&lt;``, ``&gt;``); only real angle brackets make
mentions and links, so escaped text is shown as the text it is.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

EMOJI = {
    "tada": "🎉",
    "white_check_mark": "✅",
    "heavy_check_mark": "✔️",
    "warning": "⚠️",
    "x": "❌",
    "calendar": "📆",
    "date": "📅",
    "spiral_calendar_pad": "🗓️",
    "handshake": "🤝",
    "zzz": "💤",
    "wave": "👋",
    "hourglass_flowing_sand": "⏳",
    "hourglass": "⌛",
    "wastebasket": "🗑️",
    "trophy": "🏆",
    "scroll": "📜",
    "rotating_light": "🚨",
    "red_circle": "🔴",
    "large_yellow_circle": "🟡",
    "large_green_circle": "🟢",
    "pencil2": "✏️",
    "pencil": "📝",
    "memo": "📝",
    "pause_button": "⏸️",
    "fast_forward": "⏩",
    "double_vertical_bar": "⏸️",
    "dart": "🎯",
    "bell": "🔔",
    "bar_chart": "📊",
    "chart_with_upwards_trend": "📈",
    "alarm_clock": "⏰",
    "moneybag": "💰",
    "rocket": "🚀",
    "star": "⭐",
    "sparkles": "✨",
    "clap": "👏",
    "raised_hands": "🙌",
    "+1": "👍",
    "thumbsup": "👍",
    "-1": "👎",
    "thumbsdown": "👎",
    "eyes": "👀",
    "pushpin": "📌",
    "link": "🔗",
    "lock": "🔒",
    "key": "🔑",
    "mag": "🔍",
    "bulb": "💡",
    "fire": "🔥",
    "information_source": "\u2139\ufe0f",
    "exclamation": "❗",
    "question": "❓",
    "no_entry": "⛔",
    "no_entry_sign": "🚫",
    "arrow_right": "➡️",
    "arrows_counterclockwise": "🔄",
    "repeat": "🔁",
    "page_facing_up": "📄",
    "clipboard": "📋",
    "busts_in_silhouette": "👥",
    "bust_in_silhouette": "👤",
    "speech_balloon": "💬",
    "inbox_tray": "📥",
    "outbox_tray": "📤",
    "package": "📦",
    "pray": "🙏",
    "zap": "⚡",
    "100": "💯",
    "checkered_flag": "🏁",
    "door": "🚪",
    "muscle": "💪",
    "medal": "🏅",
    "gift": "🎁",
    "confetti_ball": "🎊",
    "partying_face": "🥳",
    "stopwatch": "⏱️",
    "scales": "⚖️",
    "briefcase": "💼",
    "office": "🏢",
    "email": "📧",
    "envelope": "✉️",
    "heart": "❤️",
    "smile": "😄",
    "slightly_smiling_face": "🙂",
    "thinking_face": "🤔",
    "ok_hand": "👌",
    "new": "🆕",
    "construction": "🚧",
    "books": "📚",
    "file_folder": "📁",
    "ledger": "📒",
}

_SPECIAL = re.compile(r"<([^<>\n]+)>")
_CODE_BLOCK = re.compile(r"```(.+?)```", re.S)
_CODE = re.compile(r"`([^`\n]+)`")
_EMOJI = re.compile(r":([a-z0-9_+\-]+):")
_HOLD = "\ue000"  # private-use marks stand for pieces rendered apart, until the end


def _styled(marker: str, tag: str) -> tuple[re.Pattern[str], str]:
    m = re.escape(marker)
    pattern = rf"(?<![\w{m}]){m}(?=\S)([^{m}\n]+?)(?<=\S){m}(?![\w{m}])"
    return re.compile(pattern), rf"<{tag}>\1</{tag}>"


_STYLES = [_styled("*", "b"), _styled("_", "i"), _styled("~", "s")]


@dataclass
class Names:
    """How the page names people and channels in mentions."""

    user: Callable[[str], str | None] = lambda _id: None
    channel: Callable[[str], str | None] = lambda _id: None
    held: list[str] = field(default_factory=list)

    def hold(self, rendered: str) -> str:
        self.held.append(rendered)
        return f"{_HOLD}{len(self.held) - 1}{_HOLD}"


def emoji(text: str) -> str:
    """``:tada:`` as 🎉 for the shortcodes the page knows; others stay as written."""
    return _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)


def plain(text: str, with_emoji: bool = True) -> str:
    """A plain_text object's text as HTML: nothing is formatting."""
    escaped = html.escape(text)
    return emoji(escaped) if with_emoji else escaped


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _special(inner: str, names: Names) -> str:
    """A ``<...>`` token: a mention, a broadcast, a date or a link."""
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        name = names.user(target[1:]) or label or target[1:]
        return f'<span class="mention">@{html.escape(name)}</span>'
    if target.startswith("#"):
        name = names.channel(target[1:]) or label or target[1:]
        return f'<span class="mention">#{html.escape(name)}</span>'
    if target.startswith("!subteam^"):
        return f'<span class="mention">{html.escape(_unescape(label) or "@group")}</span>'
    if target.startswith("!date^"):
        return html.escape(_unescape(label))
    if target.startswith("!"):
        return f'<span class="mention broadcast">@{html.escape(target[1:])}</span>'
    url = _unescape(target)
    shown = _unescape(label) if label else url
    if not url.startswith(("http://", "https://", "mailto:")):
        return html.escape(f"<{inner}>")
    return (
        f'<a href="{html.escape(url)}" target="_blank" rel="noopener noreferrer">'
        f"{html.escape(shown)}</a>"
    )


def mrkdwn(text: str, names: Names | None = None) -> str:
    """A mrkdwn string as HTML, with mentions shown as names."""
    names = names or Names()
    names.held = []
    text = text.replace(_HOLD, "")
    text = _CODE_BLOCK.sub(
        lambda m: names.hold(f"<pre>{html.escape(_unescape(m.group(1)))}</pre>"), text
    )
    text = _CODE.sub(
        lambda m: names.hold(f"<code>{html.escape(_unescape(m.group(1)))}</code>"), text
    )
    text = _SPECIAL.sub(lambda m: names.hold(_special(m.group(1), names)), text)
    out = html.escape(_unescape(text), quote=False)
    for pattern, replacement in _STYLES:
        out = pattern.sub(replacement, out)
    out = emoji(out)
    lines = out.split("\n")
    out = "<br>".join(
        f'<span class="quote">{line[5:]}</span>' if line.startswith("&gt; ") else line
        for line in lines
    )
    held = names.held
    return re.sub(f"{_HOLD}(\\d+){_HOLD}", lambda m: held[int(m.group(1))], out)
