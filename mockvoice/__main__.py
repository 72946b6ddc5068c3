"""`python -m mockvoice` runs the CLI."""

from .cli import main

main()
