"""The deployment configuration (shared/CLI.md "Deployment configuration"): postier.toml
looked up env var → $POSTIER_CONFIG → user config dir → system config dir → beside the
executable; typed options from one registry; bad files said with the file and the key."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.services.config import OPTIONS, ConfigError, Settings, load_deploy_config
from app.services.errors import PostierError
from app.services.mail import oauth

ROOT = Path(__file__).resolve().parents[2]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def user_file(tmp_path: Path) -> Path:  # XDG_CONFIG_HOME is tmp_path/user-config (conftest)
    return tmp_path / "user-config" / "Postier" / "postier.toml"


def site_file(tmp_path: Path) -> Path:
    return tmp_path / "site-config" / "Postier" / "postier.toml"


def test_each_key_comes_from_the_first_place_that_has_it(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = write(tmp_path / "bundle" / "postier.toml",
                   '[microsoft]\nclient_id = "from-bundle"\ntenant = "common"\n'
                   '[google]\nclient_id = "g-bundle"\nclient_secret = "bundle-secret"\n'
                   '[app]\nlanguage = "fr"\n')
    write(site_file(tmp_path), '[microsoft]\nclient_id = "from-site"\n'
                               '[google]\nclient_id = "g-site"\n')
    write(user_file(tmp_path), '[google]\nclient_id = "g-user"\n')
    named = write(tmp_path / "named.toml", '[app]\nlanguage = "en"\n')
    monkeypatch.setenv("POSTIER_CONFIG", str(named))
    monkeypatch.setenv("POSTIER_GOOGLE_CLIENT_SECRET", "env-secret")
    paths = [named, user_file(tmp_path), site_file(tmp_path), bundle]
    settings = Settings.from_env(config_files=paths)
    assert settings.option("microsoft.client_id") == "from-site"
    assert settings.option("microsoft.tenant") == "common"
    assert settings.option("google.client_id") == "g-user"
    assert settings.option("google.client_secret") == "env-secret"
    assert settings.option("app.language") == "en"
    doc = settings.deploy.to_dict()
    assert doc["values"]["microsoft.client_id"] == {"value": "from-site",
                                                    "source": str(site_file(tmp_path))}
    assert doc["values"]["microsoft.tenant"]["source"] == str(bundle)
    assert doc["values"]["google.client_secret"] == {"value": "set",
                                                     "source": "POSTIER_GOOGLE_CLIENT_SECRET"}
    assert [f["found"] for f in doc["files"]] == [True, True, True, True]
    assert "env-secret" not in json.dumps(doc) and "bundle-secret" not in json.dumps(doc)


def test_default_search_path_is_user_then_system(tmp_path: Path) -> None:
    write(site_file(tmp_path), '[microsoft]\nclient_id = "site"\ntenant = "consumers"\n')
    write(user_file(tmp_path), '[microsoft]\nclient_id = "user"\n')
    deploy = Settings.from_env().deploy
    assert [f.path for f in deploy.files] == [user_file(tmp_path), site_file(tmp_path)]
    assert deploy.get("microsoft.client_id") == "user"
    assert deploy.get("microsoft.tenant") == "consumers"


def test_oauth_reads_the_client_id_from_the_file_without_any_variable(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for option in OPTIONS.values():
        if option.env:
            monkeypatch.delenv(option.env, raising=False)
    with pytest.raises(PostierError) as err:
        oauth.provider_config("office365", Settings.from_env())
    assert err.value.code == "OAUTH_NOT_CONFIGURED"
    write(site_file(tmp_path), '[microsoft]\nclient_id = "it-dept-app"\ntenant = "contoso.fr"\n'
                               '[google]\nclient_id = "g.apps.googleusercontent.com"\n'
                               'client_secret = "gsecret"\n')
    settings = Settings.from_env()
    cfg = oauth.provider_config("office365", settings)
    assert cfg.client_id == "it-dept-app"
    assert cfg.token_url == "https://login.microsoftonline.com/contoso.fr/oauth2/v2.0/token"
    google = oauth.provider_config("gmail", settings)
    assert (google.client_id, google.client_secret) == ("g.apps.googleusercontent.com",
                                                        "gsecret")


@pytest.mark.parametrize(("text", "key", "reason"), [
    ('[microsoft]\nclient_id = 42\n', "microsoft.client_id", "must be a string"),
    ('[google]\nclient_secret = ["a"]\n', "google.client_secret", "must be a string"),
    ('[app]\nlanguage = "de"\n', "app.language", "must be one of en, fr"),
    ('[app]\nca_file = "/nonexistent/company-ca.pem"\n', "app.ca_file", "PEM CA bundle"),
    ('microsoft = "x"\n', "microsoft", "[section] table"),
    ('[microsoft\nclient_id = "x"\n', None, "not valid TOML"),
    ('\xff\xfe', None, "not valid TOML"),
])
def test_bad_file_names_the_file_and_the_key(tmp_path: Path, text: str, key: str | None,
                                             reason: str) -> None:
    path = write(site_file(tmp_path), text)
    with pytest.raises(ConfigError) as err:
        Settings.from_env()
    assert err.value.code == "CONFIG_INVALID"
    assert str(path) in err.value.message and reason in err.value.message
    if key:
        assert f"key {key}" in err.value.message


def test_unknown_keys_are_listed_not_fatal(tmp_path: Path) -> None:
    write(user_file(tmp_path), '[microsoft]\nclientid = "typo"\n[future]\nthing = 1\n')
    deploy = load_deploy_config()
    assert deploy.files[0].unknown == ("future.thing", "microsoft.clientid")
    assert deploy.get("microsoft.client_id") is None


def test_a_password_in_the_database_url_is_never_shown(tmp_path: Path) -> None:
    write(user_file(tmp_path), '[database]\nurl = "postgresql://postier:hunter2@db.lan/p"\n')
    shown = load_deploy_config().to_dict()["values"]["database.url"]["value"]
    assert shown == "postgresql://postier:set@db.lan/p"


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True,
                          text=True, timeout=60, cwd=ROOT, env={**os.environ, **(env or {})},
                          check=False)


def test_cli_config_json(tmp_path: Path) -> None:
    named = write(tmp_path / "it.toml", '[microsoft]\nclient_id = "abc"\n'
                                        '[google]\nclient_secret = "not-shown"\n')
    out = run_cli("config", "--json", env={"POSTIER_CONFIG": str(named),
                                           "POSTIER_MS_TENANT": "common"})
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["values"]["microsoft.client_id"] == {"value": "abc", "source": str(named)}
    assert doc["values"]["microsoft.tenant"] == {"value": "common",
                                                 "source": "POSTIER_MS_TENANT"}
    assert doc["values"]["google.client_secret"]["value"] == "set"
    assert doc["files"][0] == {"path": str(named), "found": True, "error": None,
                               "unknown_keys": []}
    assert {"path", "found", "error"} <= set(doc["files"][1])
    assert "not-shown" not in out.stdout + out.stderr


@pytest.mark.parametrize("args", [("config", "--json"), ("account", "list", "--json"),
                                  ("discover", "a@b.fr", "--json")])
def test_cli_bad_file_is_config_invalid_exit_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    bad = write(tmp_path / "bad.toml", '[google]\nclient_id = true\n')
    out = run_cli(*args, env={"POSTIER_CONFIG": str(bad)})
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
    error = json.loads(out.stdout)["error"]
    assert error["code"] == "CONFIG_INVALID"
    assert str(bad) in error["message"] and "google.client_id" in error["message"]


def test_cli_named_file_missing_is_config_invalid(tmp_path: Path) -> None:
    out = run_cli("config", "--json", env={"POSTIER_CONFIG": str(tmp_path / "nope.toml")})
    assert out.returncode == 2
    assert json.loads(out.stdout)["error"]["code"] == "CONFIG_INVALID"


def test_company_ca_from_the_file_is_used(tmp_path: Path) -> None:
    import certifi

    write(site_file(tmp_path), f'[app]\nca_file = "{certifi.where()}"\n')
    settings = Settings.from_env()
    assert settings.ca_file == Path(certifi.where())
    assert settings.deploy.source("app.ca_file") == str(site_file(tmp_path))


# The folders Postier reads postier.toml from and keeps its data in: computed on Linux
# without importing platformdirs (start-up, issue 17), they must be platformdirs' own.
FOLDER_ENVIRONMENTS = [
    {},
    {"XDG_CONFIG_HOME": "/srv/conf/", "XDG_DATA_HOME": "/srv/data",
     "XDG_CONFIG_DIRS": "/etc/company:/etc/xdg"},
    {"XDG_CONFIG_HOME": "relative/conf", "XDG_DATA_HOME": "", "XDG_CONFIG_DIRS": "rel:/opt/x"},
    {"XDG_CONFIG_DIRS": "", "HOME": "/home/someone/"},
    {"HOME": "not/absolute"},
    {"HOME": ""},
    {"HOME": None},  # unset: the password database's home
    {"HOME": "/", "XDG_CONFIG_DIRS": "//net/conf"},
]


@pytest.mark.parametrize("environment", FOLDER_ENVIRONMENTS)
@pytest.mark.parametrize("kind", ["user_config", "site_config", "user_data"])
def test_standard_folders_are_platformdirs_own(kind: str, environment: dict[str, str | None],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    from app.services.config import APP_NAME, standard_dir

    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CONFIG_DIRS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    expected = Path(getattr(platformdirs, f"{kind}_dir")(APP_NAME, False))
    assert standard_dir(kind) == expected
