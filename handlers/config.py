"""What listeners need from the runtime's settings, handed over through Bolt's context."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.limits import PostLimits


@dataclass(frozen=True)
class HandlerConfig:
    wins_channel_id: str | None = None
    post_limits: PostLimits = field(default_factory=PostLimits)
