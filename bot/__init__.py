"""partnerbot's runtime: settings, app factory, runners, scheduler and the command line."""
