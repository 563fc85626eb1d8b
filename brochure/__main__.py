"""``python -m brochure``."""

from .cli import main

main()
