"""The ``chainwarden`` command line (Typer + Rich)."""
