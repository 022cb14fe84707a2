"""The authorization matrix: every action that changes something, by every kind of person."""
