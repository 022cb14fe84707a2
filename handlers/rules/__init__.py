"""/roe: rules of engagement proposed, decided in the thread, and kept in a rulebook."""
