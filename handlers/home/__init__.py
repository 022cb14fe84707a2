"""The App Home: each person's own partnerbot dashboard."""

from handlers.home.senders import publish_home, refresh_homes

__all__ = ["publish_home", "refresh_homes"]
