"""The review rhythm: cadences, schedules, reviews held, and their agenda."""
