"""Review rhythm: the scheduled prompt, its buttons, and /partner cadence."""
