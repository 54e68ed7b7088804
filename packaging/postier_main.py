"""Entry script of the PyInstaller bundle: the same ``postier`` command as the pip install."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
