"""Make-good promises: making, keeping, reminding, and their records."""
