"""Encoded conditions → Datalog facts → rules → each node's status, and the words for it."""
