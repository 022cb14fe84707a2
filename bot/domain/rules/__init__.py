"""Rules of engagement: proposals, decisions and their log, nudges, the rulebook."""
