#!/usr/bin/env python
"""Django's manage.py; `fame` (the console script) is the same thing with a friendlier name."""

from fame.cli import main

if __name__ == "__main__":
    main()
