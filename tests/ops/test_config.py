"""Where the workbook comes from: the environment, the secrets file, else the local default."""

from __future__ import annotations

from pathlib import Path

import pytest

from unionplan.errors import ConfigError
from unionplan.ops import config

KEY = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEFG"


def test_default_is_the_local_workbook(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(config.ENV_WORKBOOK, raising=False)
    loc = config.resolve_location(tmp_path / "missing-secrets.toml")
    assert loc == config.Location("xlsx", str(config.DEFAULT_WORKBOOK), source="default")


def test_env_path_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(config.ENV_WORKBOOK, str(tmp_path / "工会.xlsx"))
    loc = config.resolve_location(tmp_path / "none.toml")
    assert (loc.kind, loc.target, loc.source) == ("xlsx", str(tmp_path / "工会.xlsx"), "env")


@pytest.mark.parametrize(
    "text",
    [f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0", KEY],
)
def test_env_sheet_url_or_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str) -> None:
    monkeypatch.setenv(config.ENV_WORKBOOK, text)
    loc = config.resolve_location(tmp_path / "none.toml")
    assert (loc.kind, loc.target) == ("gsheets", KEY)


def test_secrets_file_names_the_sheet(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(config.ENV_WORKBOOK, raising=False)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[connections.gsheets]\n"
        f'spreadsheet = "https://docs.google.com/spreadsheets/d/{KEY}"\n'
        'client_email = "bot@proj.iam.gserviceaccount.com"\n',
        encoding="utf-8",
    )
    loc = config.resolve_location(secrets)
    assert (loc.kind, loc.target, loc.source) == ("gsheets", KEY, "secrets")
    assert loc.credentials["client_email"] == "bot@proj.iam.gserviceaccount.com"


def test_malformed_secrets_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "secrets.toml"
    bad.write_text("[connections.gsheets\nspreadsheet = ", encoding="utf-8")
    with pytest.raises(ConfigError):
        config.read_secrets(bad)


def test_xlsx_path_is_not_mistaken_for_a_key() -> None:
    assert config.sheet_key("abcdefghijklmnopqrstuvwxyz0123.xlsx") is None
    assert config.parse_location("data/unionplan.xlsx").kind == "xlsx"
