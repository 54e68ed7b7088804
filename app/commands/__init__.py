"""The ``postier`` subcommands' handlers, one module per group of subcommands.

``app.cli`` owns the entry point, the argument parser and the output contract (JSON on
stdout, exit codes, the error shape: ../shared/CLI.md); a handler here gets the parsed
arguments and returns a :class:`~app.commands.contract.CommandResult` (or raises a
``PostierError``), and never prints its result itself.

- ``contract``: what every handler shares (CLI.md) (the result type, the exit codes, the settings).
- ``accounts``: ``discover``, ``check``, ``account add|list|remove`` (password or OAuth2),
  ``config`` (the deployment settings those read).
- ``delivery``: ``send``, ``outbox``, ``track``: sending and following what became of it.
- ``history``: ``messages`` and ``db check|restore|migrate-to``: the sent-messages table and
  the data it is kept in.
- ``classify``: bounce, DSN and auto-reply files. ``domain``: a sender domain's health.

Why imports come late here, against the project's rule of top-level imports (issue 17): the
GUI's start and ``postier --version`` go through ``app.cli`` too, and a subcommand needs one
service package only. So ``app.cli`` imports the handler modules only when it builds the
parser for a subcommand; these modules import only the standard library,
``app.services.errors`` and ``app.commands.contract`` at the top; and each handler imports its
services when it runs. No run pays for the network, DNS, keyring, storage or cryptography
libraries of a subcommand it is not running.
"""
