"""The package version (the pyproject reads it from here: one definition)."""

__version__ = "1.2.0"
