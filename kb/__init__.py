"""regkb: Chinese municipal SME-service regulations as logic."""
