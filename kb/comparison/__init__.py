"""Conditions across cities: figures, the catalogue, relations, the comparison pages."""
