"""Ending a partnership, or stepping back from it, gracefully."""
