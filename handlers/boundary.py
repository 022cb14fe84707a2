"""The one error boundary and session scope around every listener.

Bolt runs a listener in a worker thread after its middleware chain has returned, so a Bolt
middleware can neither hold a session open for the listener nor catch what it raises. Every
listener is therefore registered through ``listener()``: it opens the session, commits or
rolls back, turns domain errors into a message for the person, logs anything unexpected with
its stack trace, makes sure Slack got its ack, and logs one line per request.

After the commit and the ack it sends the Slack effects the listener declared
(``handlers.effects.declare``) through the dispatcher: the change stands before Slack is
asked for anything, and whatever Slack answers, the person was already answered in time.
"""

from __future__ import annotations

import inspect
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from bot.domain import limits, outbox
from bot.domain.errors import DomainError, FormErrors
from bot.domain.partners import service as partnerships
from bot.domain.partners.names import vendor_name
from bot.domain.people import name_workspace
from handlers import directory
from handlers import tell as people
from handlers.blocks import section
from handlers.delivery import how_to_fix
from handlers.tell import error_code
from handlers.text import Mrkdwn, md, ours, require
from storage.models import Side

log = logging.getLogger("partnerbot.requests")

DATABASE_DOWN = Mrkdwn(
    "partnerbot can't reach its database right now, so nothing was changed. "
    "Please try again in a minute."
)


def unexpected(reference: str, ask: Mrkdwn | None = None) -> Mrkdwn:
    """A failure of partnerbot's own: who to tell is whoever can act on it (a partner's
    people are pointed to the partnership's owners at the vendor, by name)."""
    return md(
        "Something went wrong on our side and nothing was changed. Please try again; if it "
        "keeps happening, tell {} (reference {}).",
        ask or Mrkdwn("whoever installed partnerbot in your workspace"),
        reference,
    )


def whom_to_ask(session: Session, body: dict[str, Any]) -> Mrkdwn | None:
    """For someone at the partner: the owners of the channel's partnership, by name, who can
    do what they can't (invite partnerbot, look into a failure). None for anyone else."""
    channel = _channel_of(body)
    if not channel:
        return None
    try:
        partnership = partnerships.live_partnership_in(session, channel)
        if partnership is None:
            return None
        if partnerships.actor_side(partnership, directory.actor_of(body)) is not Side.PARTNER:
            return None
        return people.owners_at_vendor(session, partnership)
    except Exception:  # whom to name is a courtesy; the answer goes out without it
        log.warning("could not name the owners for %s", describe(body), exc_info=True)
        session.rollback()
        return None


def _channel_of(body: dict[str, Any]) -> str:
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
    return str(channel or (body.get("container") or {}).get("channel_id") or "")


class TrackedAck:
    """An ``ack`` that remembers whether it was called (Slack takes only the first)."""

    def __init__(self, ack: Ack) -> None:
        self._ack = ack
        self.called = False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.called:
            return None
        self.called = True
        return self._ack(*args, **kwargs)


def refusal(error: DomainError) -> Mrkdwn:
    """A domain error for a person: partnerbot's own mentions stay, what a person typed (a
    partner's name, say) is escaped, so it can't ping anyone."""
    if error.quoted:
        return md(ours(error.template), *error.quoted)
    return ours(error.message)


def slack_trouble(body: dict[str, Any], error: Exception, ask: Mrkdwn | None = None) -> Mrkdwn:
    """What to tell a person when Slack refused a call their request needed, in plain words
    with the fix (``ask``: whom a partner's people ask for a fix they can't make)."""
    code = error_code(error)
    status = error.response.status_code if isinstance(error, SlackApiError) else 0
    url = str(getattr(error.response, "api_url", "")) if isinstance(error, SlackApiError) else ""
    if status == 429 or status >= 500 or not isinstance(error, SlackApiError):
        return Mrkdwn(
            "Slack is busy right now, so nothing was changed. Please try again in a moment."
        )
    if "views." in url:
        return Mrkdwn(
            "Slack didn't open the form (it can take too long when Slack is slow), so nothing "
            "was changed. Please try again."
        )
    return md("{}. Nothing was changed.", how_to_fix(code, _channel_of(body), ask=ask))


def describe(body: dict[str, Any]) -> str:
    """What a request was, for the log line."""
    kind = body.get("type") or ("command" if "command" in body else "request")
    if "command" in body:
        return f"command {body['command']}"
    if kind == "block_actions":
        actions = body.get("actions") or [{}]
        return f"action {actions[0].get('action_id')}"
    if kind in ("view_submission", "view_closed"):
        return f"{kind} {(body.get('view') or {}).get('callback_id')}"
    if kind == "event_callback":
        return f"event {(body.get('event') or {}).get('type')}"
    return str(kind)


def user_of(body: dict[str, Any]) -> str | None:
    user = body.get("user")
    if isinstance(user, dict):
        return user.get("id")
    return body.get("user_id") or (body.get("event") or {}).get("user")


def view_block_ids(body: dict[str, Any]) -> set[str]:
    blocks = (body.get("view") or {}).get("blocks") or []
    return {str(b["block_id"]) for b in blocks if isinstance(b, dict) and b.get("block_id")}


def message_view(title: str, text: Mrkdwn) -> dict[str, Any]:
    return View(type="modal", title=title[:24], close="Close", blocks=[section(text)]).to_dict()


def tell(
    body: dict[str, Any], ack: TrackedAck, client: WebClient, respond: Respond | None, text: Mrkdwn
) -> None:
    """Show ``text`` to the person behind the request, wherever Slack lets us."""
    require(text)
    kind = body.get("type")
    if kind == "view_submission" and not ack.called:
        ack(response_action="update", view=message_view("Not saved", text))
        return
    if "command" in body and not ack.called:
        ack(text=text)
        return
    ack()
    user = user_of(body)
    if respond is not None and body.get("response_url"):
        try:
            respond(text=text, response_type="ephemeral", replace_original=False)
            return
        except (SlackApiError, OSError) as exc:
            log.warning("could not answer %s through response_url: %s", user, exc)
    people.tell(client, user, text, channel=_channel_of(body) or None)


def field_errors(body: dict[str, Any], error: DomainError) -> dict[str, str] | None:
    """Modal field errors for a domain error, when every field it names is in the view."""
    errors = (
        error.errors
        if isinstance(error, FormErrors)
        else ({error.field: error.message} if error.field else {})
    )
    blocks = view_block_ids(body)
    if errors and all(name in blocks for name in errors):
        return errors
    return None


# Per database (its session factory): the workspaces whose name is stored, and when each
# workspace whose name Slack didn't give was last asked (monotonic seconds).
_NAMED: WeakKeyDictionary[Any, set[str]] = WeakKeyDictionary()
_ASKED: WeakKeyDictionary[Any, dict[str, float]] = WeakKeyDictionary()
# A request waits for auth.test only on its own first ask or after this long: a Slack that
# won't answer it doesn't cost every request its round trip before the ack.
ASK_AGAIN_SECONDS = 600.0


def learn_workspace_name(session: Session, client: WebClient, context: BoltContext) -> None:
    """Record the installing workspace's name (auth.test's ``team``) while we don't know it:
    it names the vendor side to both companies. An OAuth install records it when it is
    saved; with a single bot token the first request learns it, once. Slack or the database
    failing here changes nothing: the listener goes on, and a request ten minutes later asks
    again."""
    result = context.authorize_result
    team_id = result.team_id if result is not None else None
    factory = context.get("session_factory")
    if not team_id or factory is None:
        return
    named = _NAMED.setdefault(factory, set())
    if team_id in named:
        return
    asked = _ASKED.setdefault(factory, {})
    if time.monotonic() - asked.get(team_id, -ASK_AGAIN_SECONDS) < ASK_AGAIN_SECONDS:
        return
    try:
        if vendor_name(session, team_id) is not None:
            named.add(team_id)  # stored: no request of this process asks again
            return
        asked[team_id] = time.monotonic()
        answer = client.auth_test()
        if answer.get("team_id") == team_id:
            name_workspace(session, team_id, answer.get("team"))
    except (SlackApiError, OSError) as error:
        log.info("auth.test for the workspace's name failed: %s", error_code(error))
    except DBAPIError:
        session.rollback()


def listener(fn: Callable[..., None]) -> Callable[..., None]:
    """Wrap a listener in the session scope and the error boundary.

    The listener declares the arguments it wants by name: any of ``ack``, ``body``,
    ``client``, ``context``, ``logger``, ``respond``, ``session`` and ``config``.
    """
    wanted = list(inspect.signature(fn).parameters)

    def run(
        ack: Ack,
        body: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        respond: Respond,
    ) -> None:
        tracked = TrackedAck(ack)
        started = time.perf_counter()
        outcome = "ok"
        session: Session = context["session_factory"]()
        config = context.get("config")
        if config is not None:  # the limits on posts in partnership channels
            session.info[limits.LIMITS] = config.post_limits
        declared: list[str] = []
        available = {
            "ack": tracked,
            "body": body,
            "client": client,
            "context": context,
            "logger": log,
            "respond": respond,
            "session": session,
            "config": context.get("config"),
        }
        try:
            learn_workspace_name(session, client, context)
            fn(**{name: available[name] for name in wanted})
            session.commit()
            declared = outbox.declared(session)
        except DomainError as error:
            session.rollback()
            outcome = "refused"
            errors = field_errors(body, error) if body.get("type") == "view_submission" else None
            if errors and not tracked.called:
                tracked(response_action="errors", errors=errors)
            else:
                tell(body, tracked, client, respond, refusal(error))
        except IntegrityError:
            # A unique key refused a second copy of something: a double click or a retried
            # request racing the first. What the first did stands; this one changes nothing.
            session.rollback()
            outcome = "duplicate"
            log.info("%s raced an identical request; the first one stands", describe(body))
        except (SlackApiError, OSError) as error:
            # A Web API call the listener needed (views.open, say) failed before the change
            # was committed: nothing was changed, and no retry sleeps inside the interaction.
            session.rollback()
            outcome = f"slack refused: {error_code(error)}"
            log.warning("%s: Slack call failed: %s", describe(body), error_code(error))
            ask = whom_to_ask(session, body)
            tell(body, tracked, client, respond, slack_trouble(body, error, ask))
        except DBAPIError:
            session.rollback()
            outcome = "database unavailable"
            log.exception("database error in %s", describe(body))
            tell(body, tracked, client, respond, DATABASE_DOWN)
        except Exception:
            session.rollback()
            reference = uuid.uuid4().hex[:8]
            outcome = f"error {reference}"
            log.exception("unexpected error in %s (reference %s)", describe(body), reference)
            tell(body, tracked, client, respond, unexpected(reference, whom_to_ask(session, body)))
        finally:
            session.close()
            tracked()
        if declared:
            try:
                context["dispatcher"].run_declared(client, context["session_factory"], declared)
            except Exception:  # the change stands; the outbox's tick will send what's left
                log.exception("effects of %s not sent; the outbox will retry", describe(body))
        log.info(
            "%s by %s: %s in %.0f ms",
            describe(body),
            user_of(body),
            outcome,
            (time.perf_counter() - started) * 1000,
        )

    run.__name__ = fn.__name__
    run.__qualname__ = fn.__qualname__
    run.__doc__ = fn.__doc__
    return run
