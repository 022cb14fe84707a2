"""Deal registration in Slack: the registration modal, its card, the vendor's decisions."""
