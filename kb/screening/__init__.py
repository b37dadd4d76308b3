"""Many organizations at once: the vectorized evaluator, `regkb screen` and `regkb sweep`."""
