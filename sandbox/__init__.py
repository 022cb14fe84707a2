"""A local Slack stand-in: the Web API partnerbot talks to, and a web page to use it.

``sandbox.slack`` answers the Web API over real HTTP (the flow tests use it too),
``sandbox.requests`` builds the signed requests Slack sends, and ``python -m sandbox``
(or ``partnerbot run`` without Slack credentials) serves a page on 127.0.0.1 in which
the seeded people use partnerbot as they would in Slack.
"""
