"""What users see outside the notebook: fonts, pictures and the report page."""
