"""Entry script of the PyInstaller bundle: the same ``postier`` command as the pip install.

``--version`` is answered here, as ``app.cli.main`` answers it, but before importing
``app.cli`` and the modules it needs (argparse, logging, the error catalogue): from the
bundle's compressed archive those cost twice what they cost from a source tree.
"""

import sys

if __name__ == "__main__":
    if sys.argv[1:] == ["--version"]:
        from app import __version__

        print(f"postier {__version__}")
        sys.exit(0)
    from app.cli import main

    sys.exit(main())
