"""The App Home: each person's own partnerbot dashboard."""

from handlers.home.publish import publish_home

__all__ = ["publish_home"]
