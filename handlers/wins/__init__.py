"""/win: log a closed deal or a milestone and celebrate it with the partner."""
