"""The Slack test bench: a fake Web API over real HTTP and builders for signed requests."""
