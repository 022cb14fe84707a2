"""The Slack test bench: drives the app with signed requests (``sandbox.requests``) against
the Slack stand-in (``sandbox.slack``, a Web API over real HTTP that the sandbox serves too)."""
