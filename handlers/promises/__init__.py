"""/promise: make-good promises, followed up by DM until the partner confirms them."""
