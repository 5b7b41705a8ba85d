"""The aid workbook's configuration (environment, secrets, the data page's setting), the
data page's check of where personal data sits, and `python -m unionplan aid-split`."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest

from tests.aid.conftest import CASES, ID_X, LANG, grids, standard
from tests.ops.test_cli import run
from tests.people import admin, person
from unionplan import files
from unionplan.aid.cases import add_case
from unionplan.data import schema
from unionplan.data.access import AID, EDITOR
from unionplan.data.split import AID_TABLES
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.workbook import Workbook
from unionplan.errors import ConfigError, PermissionDeniedError
from unionplan.ops import aidsplit, config

KEY = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEFG"
PLAN = config.Location("xlsx", "/srv/union/工会.xlsx", source="env")
SHEET = config.Location("gsheets", "plan-key", {"client_email": "sa@x"}, None, "secrets")


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(config.ENV_AID_WORKBOOK, raising=False)


# ------------------------------------------------------------------ configuration


def test_env_wins_and_settings_are_not_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(config.ENV_AID_WORKBOOK, str(tmp_path / "帮扶.xlsx"))

    def settings() -> dict[str, str]:
        raise AssertionError("the plan workbook must not be loaded for this")

    loc = config.resolve_aid_location(PLAN, settings, tmp_path / "none.toml")
    assert loc is not None and (loc.kind, loc.target, loc.source) == (
        "xlsx",
        str(tmp_path / "帮扶.xlsx"),
        "env",
    )


def test_secrets_aid_sheet_uses_its_own_key_or_the_plans(no_env: None, tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[connections.aid]\nspreadsheet = "{KEY}"\n', encoding="utf-8")
    loc = config.resolve_aid_location(SHEET, None, secrets)
    assert loc is not None and (loc.kind, loc.target, loc.source) == ("gsheets", KEY, "secrets")
    assert loc.credentials == SHEET.credentials
    secrets.write_text(
        f'[connections.aid]\nspreadsheet = "{KEY}"\nclient_email = "aid@x"\n', encoding="utf-8"
    )
    loc = config.resolve_aid_location(SHEET, None, secrets)
    assert loc is not None and loc.credentials["client_email"] == "aid@x"


def test_setting_names_a_file_beside_the_plan_or_a_sheet(no_env: None, tmp_path: Path) -> None:
    none = tmp_path / "none.toml"
    assert config.resolve_aid_location(PLAN, dict, none) is None  # one workbook by default
    loc = config.resolve_aid_location(PLAN, lambda: {"aid_workbook": "工会-aid.xlsx"}, none)
    assert loc is not None and loc.target == "/srv/union/工会-aid.xlsx"
    assert loc.source == "setting"
    assert config.default_aid_name(PLAN) == "工会-aid.xlsx"
    url = f"https://docs.google.com/spreadsheets/d/{KEY}/edit"
    loc = config.resolve_aid_location(SHEET, lambda: {"aid_workbook": url}, none)
    assert loc is not None and (loc.kind, loc.target) == ("gsheets", KEY)
    assert loc.credentials == SHEET.credentials
    local = config.aid_setting_location(SHEET, "帮扶.xlsx")
    assert local is not None and Path(local.target).parent == config.DEFAULT_WORKBOOK.parent


@pytest.mark.parametrize(
    "name", ["../x.xlsx", "/etc/x.xlsx", "a/b.xlsx", "a\\b.xlsx", ".hidden.xlsx", "x.txt", "x"]
)
def test_setting_never_names_another_server_file(name: str) -> None:
    with pytest.raises(ConfigError) as err:
        config.aid_setting_location(PLAN, name)
    assert err.value.key == "data.aid.bad_name"


def test_a_missing_aid_file_is_created_private_with_the_aid_tabs(tmp_path: Path) -> None:
    path = tmp_path / "new" / "工会-aid.xlsx"
    store = config.open_aid_store(config.Location("xlsx", str(path)), "zh-Hans")
    assert os.stat(path).st_mode & 0o777 == files.FILE_MODE
    keys = {schema.match_tab(t) for t in store.read_all()}
    assert keys == AID_TABLES | {"audit_log"}


# ------------------------------------------------------------------ the data page's check


def _one_book(tmp_path: Path, mode: int = 0o600) -> tuple[Workbook, config.Location]:
    path = tmp_path / "工会.xlsx"
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in grids(**standard()).items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(path)
    os.chmod(path, mode)
    return Workbook(XlsxStore(path), ttl=0), config.Location("xlsx", str(path))


def test_warns_of_personal_data_in_a_workbook_non_aid_accounts_may_open(tmp_path: Path) -> None:
    wb, loc = _one_book(tmp_path)
    data = wb.load()
    people = [admin("a"), person("officer", AID), person("cadre", EDITOR)]
    found = aidsplit.check_placement(data, loc, None, people)
    assert [f.key for f in found] == ["data.aid.warn_shared"]
    assert found[0].params["logins"] == "cadre" and found[0].params["n"] == len(CASES)
    assert aidsplit.check_placement(data, loc, None, people[:2]) == []


def test_warns_of_a_file_others_may_read(tmp_path: Path) -> None:
    wb, loc = _one_book(tmp_path, 0o644)
    found = aidsplit.check_placement(wb.load(), loc, None, [admin("a")])
    assert [(f.key, f.params["mode"]) for f in found] == [("data.aid.warn_mode", "0644")]


def test_split_workbooks_pass_and_a_left_over_copy_is_named(tmp_path: Path) -> None:
    wb, loc = _one_book(tmp_path)
    aid_loc = config.Location("xlsx", str(tmp_path / "工会-aid.xlsx"))
    wb.use_aid(config.open_aid_store(aid_loc))
    cadre = [person("cadre", EDITOR)]
    found = aidsplit.check_placement(wb.load(), loc, aid_loc, cadre)
    assert [f.key for f in found] == ["data.aid.warn_left"]  # the cases were not moved
    aidsplit.split_aid(XlsxStore(loc.target), XlsxStore(tmp_path / "moved.xlsx"), actor=admin())
    assert aidsplit.check_placement(wb.load(fresh=True), loc, aid_loc, cadre) == []


def test_the_setting_is_for_administrators_and_checked(tmp_path: Path) -> None:
    wb, loc = _one_book(tmp_path)
    with pytest.raises(PermissionDeniedError):
        aidsplit.save_aid_setting(wb, loc, "x.xlsx", person("officer", AID))
    with pytest.raises(ConfigError):
        aidsplit.save_aid_setting(wb, loc, "../x.xlsx", admin())
    aidsplit.save_aid_setting(wb, loc, " 工会-aid.xlsx ", admin())
    assert wb.load(fresh=True).settings[config.AID_SETTING] == "工会-aid.xlsx"


# ------------------------------------------------------------------ aid-split


def _raw(path: Path) -> dict[str, list[list[object]]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in r] for r in ws.iter_rows()] for ws in book}


def _text(path: Path) -> str:
    return "\n".join(str(c) for g in _raw(path).values() for r in g for c in r if c)


def test_cli_dry_run_writes_nothing(tmp_path: Path) -> None:
    _, loc = _one_book(tmp_path)
    before = Path(loc.target).read_bytes()
    aid = tmp_path / "工会-aid.xlsx"
    out = run("aid-split", loc.target, str(aid), "--dry-run", "--lang", "en")
    assert out.returncode == 0, out.stderr
    assert "Preview" in out.stdout
    assert Path(loc.target).read_bytes() == before
    assert not aid.exists()
    assert not list(tmp_path.glob("*backup*"))


def test_cli_moves_verifies_and_backs_up(tmp_path: Path) -> None:
    wb, loc = _one_book(tmp_path)
    add_case(wb, {"name": "钱某华", "phone": "13912340001"}, actor=admin())  # an audit row too
    aid = tmp_path / "工会-aid.xlsx"
    assert ID_X in _text(Path(loc.target))
    out = run("aid-split", loc.target, str(aid))
    assert out.returncode == 0, out.stderr
    backups = list(tmp_path.glob("工会-backup-*.xlsx"))
    assert len(backups) == 1 and ID_X in _text(backups[0])  # the plan as it was
    plan_text, aid_text = _text(Path(loc.target)), _text(aid)
    for secret in [ID_X, "13912340001", "钱某华", *(c["name"] for c in CASES)]:
        assert secret not in plan_text
        assert secret in aid_text
    assert os.stat(aid).st_mode & 0o777 == files.FILE_MODE
    # The app reading both sees every case once, and both audit logs.
    both = Workbook(XlsxStore(loc.target), ttl=0, aid=XlsxStore(aid)).load()
    assert len(both.df("aid_cases")) == len(CASES) + 1
    assert both.plan_personal_cases == 0
    assert "aid_cases" in set(both.df("audit_log")["table"])
    # The plan workbook keeps its other tables and the aid tabs' headers.
    plan = Workbook(XlsxStore(loc.target), ttl=0).load()
    assert not plan.df("units").empty
    assert all(plan.tables[k].title and plan.df(k).empty for k in AID_TABLES)
    # Run again: the aid workbook holds data now, so nothing is done.
    again = run("aid-split", str(backups[0]), str(aid), "--lang", LANG)
    assert again.returncode == 2 and schema.AID_CASES.label.get(LANG) in again.stderr
