"""`python -m generator` is `propgen`."""

from .cli import main

main()
