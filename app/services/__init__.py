"""Qt-free core of Postier: everything here is usable from the CLI and tests alone."""
