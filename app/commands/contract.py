"""The CLI contract (CLI.md) every handler shares: the result it returns, the exit codes,
and the settings it runs with.

The exit codes and the codes that mean "bad usage or a broken environment" are defined here
rather than in ``app.cli`` so that imports point one way (``app.cli`` → ``app.commands`` →
``app.services``); ``app.cli`` maps exceptions to them with the same table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.services import translation
from app.services.errors import InputError

if TYPE_CHECKING:
    from app.services.config import Settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# Exit 2 (CLI.md): a name that does not exist and a broken environment (damaged data, no
# usable keyring, no OAuth2 app registration anywhere, a bad postier.toml) are not "the thing
# checked failed", whichever layer notices them.
USAGE_CODES = frozenset({"ACCOUNT_NOT_FOUND", "INVALID_EMAIL", "DATABASE_ERROR",
                         "DATABASE_TOO_NEW", "KEYRING_UNAVAILABLE", "KEYRING_LOCKED",
                         "OAUTH_NOT_CONFIGURED", "CONFIG_INVALID",
                         "TEAM_DATABASE_UNREACHABLE", "TEAM_DATABASE_AUTH_FAILED"})


class CommandResult:
    """What a handler returns: a JSON-able document, readable text and an exit code."""

    def __init__(self, data: Any, text: str, code: int = EXIT_OK) -> None:
        self.data, self.text, self.code = data, text, code


def load_settings() -> Settings:
    """The settings (environment, then postier.toml) a handler runs with; their language
    becomes the language of the errors' messages and hints."""
    from app.services.config import Settings

    try:
        settings = Settings.from_env()
    except InputError:
        raise  # CONFIG_INVALID: postier.toml, naming the file and the key
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    # postier.toml's [app] language: errors' messages and hints are said in it (CLI.md).
    translation.set_language(settings.option("app.language") or translation.SOURCE_LANGUAGE)
    return settings
