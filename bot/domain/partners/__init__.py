"""Partnerships: linking a channel to a partner, the two sides, owners and contacts."""
