"""/partner: linking a shared channel to a partner, the summary card, help."""
