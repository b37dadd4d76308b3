"""The notebook API (`KB`) and the views it returns."""
