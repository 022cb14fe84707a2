"""Deal registration: a partner registers an opportunity, the vendor decides, the funnel."""
