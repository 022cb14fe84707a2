"""Block Kit blocks as HTML, laid out the way Slack's clients show them."""

from __future__ import annotations

import html
from typing import Any

from sandbox.elements import Surface, element, text_html
from sandbox.mrkdwn import emoji

Block = dict[str, Any]


def block_id(block: Block, index: int) -> str:
    """The block's id; Slack makes one up when the app gave none, and so does the page."""
    return str(block.get("block_id") or f"b{index}")


def render(blocks: list[Block] | None, surface: Surface) -> str:
    """Blocks as HTML for a message, a modal or App Home."""
    return "".join(_block(block, i, surface) for i, block in enumerate(blocks or []))


def _block(block: Block, index: int, surface: Surface) -> str:
    kind = str(block.get("type"))
    bid = block_id(block, index)
    inner = {
        "header": lambda: f'<div class="b-header">{text_html(block.get("text"), surface)}</div>',
        "section": lambda: _section(block, bid, surface),
        "context": lambda: _context(block, surface),
        "divider": lambda: '<hr class="b-divider">',
        "actions": lambda: _actions(block, bid, surface),
        "image": lambda: _image(block, surface),
        "input": lambda: _input(block, bid, surface),
        "rich_text": lambda: _rich_text(block, surface),
    }.get(kind)
    body = inner() if inner else f'<div class="unsupported">[{html.escape(kind)} block]</div>'
    return (
        f'<div class="block b-{html.escape(kind)}" data-block-id="{html.escape(bid)}">{body}</div>'
    )


def _section(block: Block, bid: str, surface: Surface) -> str:
    parts = []
    if block.get("text"):
        parts.append(f'<div class="s-text">{text_html(block["text"], surface)}</div>')
    if block.get("fields"):
        fields = "".join(
            f'<div class="s-field">{text_html(f, surface)}</div>' for f in block["fields"]
        )
        parts.append(f'<div class="s-fields">{fields}</div>')
    main = f'<div class="s-main">{"".join(parts)}</div>'
    accessory = block.get("accessory")
    if not accessory:
        return main
    side = element(accessory, bid, 0, surface, input_=False)
    return f'{main}<div class="s-accessory">{side}</div>'


def _context(block: Block, surface: Surface) -> str:
    items = []
    for item in block.get("elements") or []:
        if item.get("type") == "image":
            src, alt = (
                html.escape(str(item.get("image_url"))),
                html.escape(str(item.get("alt_text"))),
            )
            items.append(f'<img class="c-image" src="{src}" alt="{alt}">')
        else:
            items.append(f"<span>{text_html(item, surface)}</span>")
    return "".join(items)


def _actions(block: Block, bid: str, surface: Surface) -> str:
    return "".join(
        element(el, bid, i, surface, input_=False)
        for i, el in enumerate(block.get("elements") or [])
    )


def _image(block: Block, surface: Surface) -> str:
    title = text_html(block.get("title"), surface)
    src, alt = html.escape(str(block.get("image_url"))), html.escape(str(block.get("alt_text")))
    caption = f'<div class="i-title">{title}</div>' if title else ""
    return f'{caption}<img class="b-img" src="{src}" alt="{alt}">'


def _input(block: Block, bid: str, surface: Surface) -> str:
    optional = ' <span class="optional">(optional)</span>' if block.get("optional") else ""
    label = f'<label class="i-label">{text_html(block.get("label"), surface)}{optional}</label>'
    field = element(
        block.get("element") or {},
        bid,
        0,
        surface,
        input_=True,
        dispatch=bool(block.get("dispatch_action")),
    )
    hint = block.get("hint")
    hint_html = f'<div class="i-hint">{text_html(hint, surface)}</div>' if hint else ""
    error = surface.errors.get(bid, "")
    shown = "" if error else " hidden"
    error_html = f'<div class="i-error" role="alert"{shown}>{html.escape(error)}</div>'
    return f"{label}{field}{error_html}{hint_html}"


def _styled(text: str, style: dict[str, Any] | None) -> str:
    style = style or {}
    for key, tag in (("code", "code"), ("bold", "b"), ("italic", "i"), ("strike", "s")):
        if style.get(key):
            text = f"<{tag}>{text}</{tag}>"
    return text


def _rich_inline(item: dict[str, Any], surface: Surface) -> str:
    kind = item.get("type")
    if kind == "text":
        return _styled(
            html.escape(str(item.get("text", ""))).replace("\n", "<br>"), item.get("style")
        )
    if kind == "link":
        url = str(item.get("url", ""))
        shown = html.escape(str(item.get("text") or url))
        if not url.startswith(("http://", "https://", "mailto:")):
            return _styled(shown, item.get("style"))  # Slack links only these
        href = html.escape(url)
        link = f'<a href="{href}" target="_blank" rel="noopener noreferrer">{shown}</a>'
        return _styled(link, item.get("style"))
    if kind == "user":
        name = surface.names.user(str(item.get("user_id"))) or item.get("user_id")
        return f'<span class="mention">@{html.escape(str(name))}</span>'
    if kind == "channel":
        name = surface.names.channel(str(item.get("channel_id"))) or item.get("channel_id")
        return f'<span class="mention">#{html.escape(str(name))}</span>'
    if kind == "emoji":
        return emoji(f":{html.escape(str(item.get('name', '')))}:")
    if kind == "broadcast":
        return f'<span class="mention broadcast">@{html.escape(str(item.get("range")))}</span>'
    if kind == "usergroup":
        return '<span class="mention">@group</span>'
    return ""


def _rich_part(part: dict[str, Any], surface: Surface) -> str:
    kind = part.get("type")
    inner = "".join(_rich_inline(i, surface) for i in part.get("elements") or [])
    if kind == "rich_text_section":
        return f"<div>{inner}</div>"
    if kind == "rich_text_quote":
        return f'<div class="quote">{inner}</div>'
    if kind == "rich_text_preformatted":
        return f"<pre>{inner}</pre>"
    if kind == "rich_text_list":
        tag = "ol" if part.get("style") == "ordered" else "ul"
        items = "".join(
            f"<li>{''.join(_rich_inline(i, surface) for i in s.get('elements') or [])}</li>"
            for s in part.get("elements") or []
        )
        return f"<{tag}>{items}</{tag}>"
    return ""


def _rich_text(block: Block, surface: Surface) -> str:
    return "".join(_rich_part(p, surface) for p in block.get("elements") or [])


def find_element(blocks: list[Block] | None, bid: str, action_id: str) -> dict[str, Any] | None:
    """The element a page event names, found the way ``render`` named it."""
    for index, block in enumerate(blocks or []):
        if block_id(block, index) != bid:
            continue
        candidates = []
        if block.get("type") == "actions":
            candidates = list(enumerate(block.get("elements") or []))
        elif block.get("type") == "section" and block.get("accessory"):
            candidates = [(0, block["accessory"])]
        elif block.get("type") == "input" and block.get("element"):
            candidates = [(0, block["element"])]
        for i, el in candidates:
            if str(el.get("action_id") or f"a{i}") == action_id:
                return el
    return None
