"""The data page's "where the aid files are kept" section: it warns while the plan workbook
holds personal data of aid cases and accounts without the aid role exist, and does not once
the aid files are kept apart (the demo's cases moved with aid-split)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pages.test_signin import _app, users, workbook  # noqa: F401
from tests.people import admin
from unionplan import i18n
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.tables import parse_workbook
from unionplan.data.workbook import Workbook
from unionplan.ops import aidsplit, config


def _warnings(at: object) -> list[str]:
    return [w.value for w in at.warning]  # type: ignore[attr-defined]


@pytest.mark.usefixtures("users")
def test_warns_of_personal_data_in_the_plan_workbook_with_non_aid_accounts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(config.ENV_AID_WORKBOOK, raising=False)
    at = _app("boss", "data")
    assert not at.exception
    assert [s.value for s in at.subheader].count(i18n.t("data.aid.heading", "zh-Hans")) == 1
    shared = [w for w in _warnings(at) if "leader" in w and "wang" in w]
    assert len(shared) == 1 and "zhou" not in shared[0]  # the aid officer is not listed
    assert not at.success or i18n.t("data.aid.ok", "zh-Hans") not in [s.value for s in at.success]


@pytest.mark.usefixtures("users")
def test_no_warning_once_the_aid_files_are_kept_apart(
    workbook: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    aid = tmp_path / "unionplan-aid.xlsx"
    aidsplit.split_aid(XlsxStore(workbook), XlsxStore(aid), actor=admin())
    monkeypatch.setenv(config.ENV_AID_WORKBOOK, str(aid))
    at = _app("boss", "data", lang="en")
    assert not at.exception
    assert _warnings(at) == []
    assert i18n.t("data.aid.ok", "en") in [s.value for s in at.success]
    assert str(aid) in [c.value for c in at.code]


@pytest.mark.usefixtures("users")
def test_an_admin_names_a_local_aid_workbook_on_the_page(
    workbook: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(config.ENV_AID_WORKBOOK, raising=False)
    at = _app("boss", "data")
    at.radio(key="aid_place_choice_zh-Hans").set_value("local").run()
    at.button(key="aid_place_save").click().run()
    assert not at.exception and not at.error
    aid = workbook.parent / "unionplan-aid.xlsx"
    assert aid.exists()  # the app now keeps the aid tables there (created, tabs made)
    assert any("unionplan-aid.xlsx" in c.value for c in at.code)
    assert any(i18n.t("data.aid.warn_left", "zh-Hans", n=1)[:6] in w for w in _warnings(at))


@pytest.mark.usefixtures("users")
def test_an_admin_moves_the_aid_files_into_the_aid_workbook_on_the_page(
    workbook: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(config.ENV_AID_WORKBOOK, raising=False)
    plan_cases = len(Workbook(XlsxStore(workbook)).load(fresh=True).df("aid_cases"))
    at = _app("boss", "data")
    at.radio(key="aid_place_choice_zh-Hans").set_value("local").run()
    at.button(key="aid_place_save").click().run()
    assert at.button(key="aid_move").disabled  # asked once more first
    at.checkbox(key="aid_move_confirm").check().run()
    at.button(key="aid_move").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert _warnings(at) == []
    assert i18n.t("data.aid.ok", "zh-Hans") in [s.value for s in at.success]
    assert not [b for b in at.button if b.key == "aid_move"]  # nothing left to move
    # The plan workbook's aid tabs are empty (headers kept), the aid workbook holds them.
    left = parse_workbook(XlsxStore(workbook).read_all())
    assert left.df("aid_cases").empty and left.df("aid_payments").empty
    aid = XlsxStore(workbook.parent / "unionplan-aid.xlsx")
    assert len(parse_workbook(aid.read_all()).df("aid_cases")) == plan_cases > 0
    (backup,) = workbook.parent.glob("*backup*.xlsx")  # one, from before the move
    assert len(parse_workbook(XlsxStore(backup).read_all()).df("aid_cases")) == plan_cases


def test_the_aid_workbooks_backup_is_only_for_the_union_wide_aid_officer(
    workbook: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.pages.apptest import new_app
    from tests.people import person
    from unionplan.ui import signin

    aid = tmp_path / "unionplan-aid.xlsx"
    aidsplit.split_aid(XlsxStore(workbook), XlsxStore(aid), actor=admin())
    monkeypatch.setenv(config.ENV_AID_WORKBOOK, str(aid))
    refused = i18n.t("data.backup_aid_refused", "zh-Hans")
    for who, aid_button in (
        (person("boss", "admin"), False),
        (person("boss", "admin", "aid"), True),
    ):
        monkeypatch.setattr(signin, "gate", lambda who=who: signin._enter(who))
        at = new_app(lang="zh-Hans")
        at.switch_page("pages/data.py").run()
        assert not at.exception
        ids = " ".join(b.proto.id for b in at.get("download_button"))
        assert ("backup_aid" in ids) is aid_button, who
        assert (refused in [c.value for c in at.caption]) is not aid_button
