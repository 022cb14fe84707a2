"""What one person sees: the sidebar, a conversation (or App Home), a thread and a modal,
rendered as HTML pieces the page swaps in when they change."""

from __future__ import annotations

import html
import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sandbox.blocks import render
from sandbox.elements import Surface
from sandbox.mrkdwn import Names, mrkdwn
from sandbox.platform import Platform
from sandbox.records import Message
from sandbox.world import BOT, SLACKBOT

HOME = "home"


class Screen:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.slack = platform.slack
        self.world = platform.world

    def surface(self, user: str, kind: str, errors: dict[str, str] | None = None) -> Surface:
        names = Names(user=self.world.name, channel=self.world.channel_name)
        people = [(p.id, f"{p.name} ({self.world.teams[p.team]})") for p in self.world.people]
        conversations = [(c.id, f"#{c.name}") for c in self.world.channels_of(user)]
        return Surface(kind, names, people, conversations, errors or {})

    def state(self, user: str, place: str, thread: str | None) -> dict[str, Any]:
        """The pieces of ``user``'s screen, each an HTML string (or None)."""
        person = self.world.person(user)
        return {
            "version": self.slack.version,
            "workspace": html.escape(self.world.teams[person.team]),
            "sidebar": self.sidebar(user, place),
            "header": self.header(user, place),
            "main": self.home(user) if place == HOME else self.timeline(user, place),
            "thread": self.thread(user, place, thread) if thread and place != HOME else None,
            "modal": self.modal(user),
        }

    # -- pieces ------------------------------------------------------------------------------
    def sidebar(self, user: str, place: str) -> str:
        rows = ['<div class="side-title">Channels</div>']
        for channel in self.world.channels_of(user):
            shared = (
                ' <span class="shared" title="Slack Connect">⇄</span>'
                if channel.is_ext_shared
                else ""
            )
            on = " on" if channel.id == place else ""
            rows.append(
                f'<a class="side-item{on}" data-place="{channel.id}"># {html.escape(channel.name)}'
                f"{shared}</a>"
            )
        rows.append('<div class="side-title">Apps</div>')
        on = " on" if place in (HOME, f"D{user}") else ""
        rows.append(
            f'<a class="side-item{on}" data-place="{HOME}"><span class="app-dot"></span>'
            f"{html.escape(self.world.app_name)}</a>"
        )
        return "".join(rows)

    def header(self, user: str, place: str) -> str:
        app = html.escape(self.world.app_name)
        if place in (HOME, f"D{user}"):
            home_on, dm_on = (" on", "") if place == HOME else ("", " on")
            return (
                f'<div class="h-name"><span class="app-dot"></span>{app}</div><div class="tabs">'
                f'<a class="tab{home_on}" data-place="{HOME}">Home</a>'
                f'<a class="tab{dm_on}" data-place="D{user}">Messages</a></div>'
            )
        channel = self.world.channel(place)
        if channel is None:
            return ""
        teams = ", ".join(html.escape(self.world.teams[t]) for t in channel.teams)
        shared = (
            f'<span class="h-shared">⇄ Shared between {teams}</span>'
            if channel.is_ext_shared
            else ""
        )
        topic = html.escape(self.world.topics.get(channel.id, ""))
        return (
            f'<div class="h-name"># {html.escape(channel.name)}</div>{shared}'
            f'<div class="h-topic">{topic}</div>'
        )

    def home(self, user: str) -> str:
        view = self.slack.home.get(user)
        if view is None:
            return f'<div class="empty">Opening {html.escape(self.world.app_name)}\'s Home…</div>'
        body = render(view.get("blocks"), self.surface(user, "home"))
        return f'<div class="home" data-container=\'{{"kind": "home"}}\'>{body}</div>'

    def timeline(self, user: str, place: str) -> str:
        items = self._messages(user, place, None)
        if not items:
            return (
                '<div class="empty">No messages yet. Type a slash command below, '
                "e.g. <code>/partner</code>.</div>"
            )
        out, day = [], ""
        tz = ZoneInfo(self.world.person(user).tz)
        for item in items:
            moment = datetime.fromtimestamp(float(item[0]), tz)
            if f"{moment:%Y-%m-%d}" != day:
                day = f"{moment:%Y-%m-%d}"
                out.append(f'<div class="day"><span>{moment:%A, %B} {moment.day}</span></div>')
            out.append(item[1])
        return "".join(out)

    def thread(self, user: str, place: str, thread: str) -> str | None:
        items = self._messages(user, place, thread)
        if not items:
            return None
        name = html.escape(self.world.channel_name(place) or place)
        close = '<button class="btn t-close" data-close-thread aria-label="Close">&times;</button>'
        replies = "".join(i[1] for i in items)
        return (
            f'<div class="t-head"><b>Thread</b> <span># {name}</span>{close}</div>'
            f'<div class="t-body">{replies}</div>'
        )

    def modal(self, user: str) -> dict[str, Any] | None:
        stack = self.slack.modal_stack(user)
        if not stack:
            return None
        view = stack[-1]
        view_id = str(view["id"])
        errors = self.platform.field_errors.get(view_id, {})
        notice = self.platform.view_notices.get(view_id, "")

        def label(key: str, default: str) -> str:
            return html.escape(str((view.get(key) or {}).get("text") or default))

        submit = ""
        if view.get("submit"):
            submit = f'<button class="btn primary" data-submit>{label("submit", "Submit")}</button>'
        back = "Back" if len(stack) > 1 else label("close", "Cancel")
        container = html.escape(json.dumps({"kind": "view", "view_id": view_id}))
        blocks = render(view.get("blocks"), self.surface(user, "modal", errors))
        body = (
            f'<div class="m-head"><span class="m-title">{label("title", "")}</span>'
            '<button class="btn m-x" data-close aria-label="Close">&times;</button></div>'
            f'<div class="m-notice" role="alert"{"" if notice else " hidden"}>'
            f"{html.escape(notice)}</div>"
            f"<div class=\"m-body\" data-container='{container}'>{blocks}</div>"
            f'<div class="m-foot"><button class="btn" data-close>{back}</button>{submit}</div>'
        )
        return {"id": view_id, "hash": view.get("hash"), "html": body, "errors": errors}

    # -- messages ----------------------------------------------------------------------------
    def _messages(self, user: str, place: str, thread: str | None) -> list[tuple[str, str]]:
        """(ts, HTML) of what ``user`` sees in ``place``: the channel's top level, or one
        thread (its parent first)."""

        def here(m: Message) -> bool:
            if m.channel != place or m.deleted:
                return False
            if thread is None:
                return m.thread_ts in (None, m.ts)
            return thread in (m.ts, m.thread_ts)

        with self.slack._lock:
            shown = [m for m in self.slack.messages if here(m)]
            shown += [m for m in self.slack.ephemerals if here(m) and m.user == user]
            files = [
                f for f in self.slack.files if f.get("completed") and f.get("channel") == place
            ]
            replies: dict[str, int] = {}
            for m in self.slack.messages:
                if m.channel == place and m.thread_ts and m.thread_ts != m.ts and not m.deleted:
                    replies[m.thread_ts] = replies.get(m.thread_ts, 0) + 1
        top = thread is None
        items = [(m.ts, self._message(user, m, replies.get(m.ts, 0) if top else 0)) for m in shown]
        if top:
            items += [(str(f["ts"]), self._file(user, f)) for f in files if not f.get("thread_ts")]
        return sorted(items, key=lambda item: float(item[0]))

    def _byline(self, user: str, author: str | None, ts: str) -> str:
        reader = self.world.person(user)
        moment = datetime.fromtimestamp(float(ts), ZoneInfo(reader.tz))
        who = author or BOT
        name = html.escape(self.world.name(who) or who)
        tag = ' <span class="app-tag">APP</span>' if who == BOT else ""
        team = self.world.person(who).team if who not in (BOT, SLACKBOT) else reader.team
        if team != reader.team:
            tag = f' <span class="org">{html.escape(self.world.teams[team])}</span>'
        when = f"{moment:%I:%M %p}".lstrip("0")
        stamp = f"{moment:%Y-%m-%d %H:%M %Z}"
        return f'<div class="byline"><b>{name}</b>{tag} <time title="{stamp}">{when}</time></div>'

    def _avatar(self, author: str | None) -> str:
        who = author or BOT
        letter = html.escape((self.world.name(who) or "?")[:1].upper())
        return f'<div class="avatar av-{html.escape(who)}">{letter}</div>'

    def _message(self, user: str, m: Message, replies: int) -> str:
        ephemeral = m.user is not None
        surface = self.surface(user, "message")
        body = render(m.blocks, surface) if m.blocks else mrkdwn(m.text or "", surface.names)
        extra = ""
        if m.reactions:
            pills = "".join(
                f'<span class="reaction">{mrkdwn(f":{r}:")} 1</span>' for r in m.reactions
            )
            extra += f'<div class="reactions">{pills}</div>'
        if replies:
            word = "reply" if replies == 1 else "replies"
            extra += f'<a class="replies" data-thread="{m.ts}">{replies} {word}</a>'
        note = ""
        if ephemeral:
            dismiss = f'<a data-dismiss="{m.ts}" data-channel="{m.channel}">Dismiss</a>'
            note = f'<div class="only-you">Only visible to you {dismiss}</div>'
        container = {"kind": "message", "channel": m.channel, "ts": m.ts, "ephemeral": ephemeral}
        attrs = html.escape(json.dumps(container), quote=True)
        kind = " ephemeral" if ephemeral else ""
        return (
            f'<div class="msg{kind}" data-ts="{m.ts}" data-container=\'{attrs}\'>'
            f'{self._avatar(m.author)}<div class="msg-body">{note}'
            f'{self._byline(user, m.author, m.ts)}<div class="content">{body}</div>'
            f"{extra}</div></div>"
        )

    def _file(self, user: str, f: dict[str, Any]) -> str:
        name = html.escape(str(f.get("title") or f.get("filename") or f["id"]))
        url = f"/sandbox/files/{html.escape(str(f['id']))}"
        comment = mrkdwn(str(f.get("initial_comment") or ""), self.surface(user, "message").names)
        if str(f.get("filename", "")).lower().endswith(".png"):
            image = f'<img class="file-img" src="{url}" alt="{name}">'
            shown = f'<a href="{url}" target="_blank">{image}</a>'
        else:
            size = f"<small>{len(f.get('content') or b''):,} bytes</small>"
            shown = f'<a class="file-card" href="{url}" download>{name} {size}</a>'
        byline = self._byline(user, None, str(f["ts"]))
        return (
            f'<div class="msg">{self._avatar(None)}<div class="msg-body">{byline}'
            f'<div class="content">{comment}</div>{shown}</div></div>'
        )
