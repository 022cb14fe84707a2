"""The services: plain Python on a Session and the clock. Nothing here knows Slack."""
