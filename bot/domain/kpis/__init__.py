"""KPIs: the figures, the 80/20 focus list, quarters, and the records export."""
