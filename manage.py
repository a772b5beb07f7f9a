#!/usr/bin/env python
"""Django's command-line utility; `padwijzer` on the PATH does the same."""

from padwijzer.cli import main

if __name__ == "__main__":
    main()
