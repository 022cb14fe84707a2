"""Wins: logging, editing and withdrawing them, their form and their records."""
