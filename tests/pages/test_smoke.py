"""Every page runs in every language, on the demo workbook and on an empty one; and the
shell around them: language choice, the name field, the demo banner, error display."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.apptest import PAGES, new_app, open_app, open_page
from unionplan import i18n, ui
from unionplan.data.schema import LANGS
from unionplan.data.workbook import Workbook
from unionplan.errors import BackendUnavailableError
from unionplan.ops import demo
from unionplan.ops.config import Location


@pytest.fixture(params=["demo", "empty"])
def workbook_path(request: pytest.FixtureRequest) -> Path:
    """A temporary workbook the app is pointed at: the demo year, or none yet (empty)."""
    return request.getfixturevalue("demo_workbook" if request.param == "demo" else "no_workbook")


def _problems(at: AppTest) -> list[str]:
    return [e.value for e in at.exception] + [e.value for e in at.error]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_without_exception(page: str, lang: str, workbook_path: Path) -> None:
    at = open_app(lang=lang)
    assert not _problems(at)
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.sidebar.selectbox[0].value == lang


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", ["overview", "data"])
def test_page_title_in_language(page: str, lang: str, workbook_path: Path) -> None:
    at = open_app(lang=lang)
    at.switch_page(f"pages/{page}.py").run()
    assert [t.value for t in at.title] == [i18n.t(f"common.nav.{page}", lang)]


def test_default_language_is_simplified_chinese(no_workbook: Path) -> None:
    at = open_app()
    assert at.sidebar.selectbox[0].value == "zh-Hans"
    assert at.title[0].value == "概览"


def test_lang_query_parameter_on_first_load(no_workbook: Path) -> None:
    at = new_app()
    at.query_params["lang"] = "en"
    at.run()
    assert at.session_state["lang"] == "en"
    assert at.title[0].value == "Overview"
    at.switch_page("pages/data.py").run()
    assert at.title[0].value == "Data and connection"


@pytest.mark.parametrize(("param", "code"), [("zh-TW", "zh-Hant"), ("zh_CN", "zh-Hans")])
def test_lang_parameter_aliases(param: str, code: str) -> None:
    assert ui.lang_from_param(param) == code
    assert ui.lang_from_param("klingon") is None


def test_language_choice_is_remembered_across_pages(no_workbook: Path) -> None:
    at = open_app()
    at.sidebar.selectbox[0].set_value("zh-Hant").run()
    assert at.session_state["lang"] == "zh-Hant"
    assert at.title[0].value == "概覽"
    at.switch_page("pages/data.py").run()
    assert at.title[0].value == "資料與連線"
    assert at.sidebar.selectbox[0].value == "zh-Hant"
    at.sidebar.selectbox[0].set_value("en").run()
    assert at.title[0].value == "Data and connection"


def test_single_person_mode_says_so_on_every_page(no_workbook: Path) -> None:
    """No accounts: the person at this machine is the administrator, there is no name to
    type (the audit log says "local"), and every page says so in one quiet line."""
    at = open_app(lang="en")
    notice = i18n.t("auth.local_notice", "en", url="accounts")
    for page in PAGES:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, page
        assert [c.value for c in at.caption if c.value == notice] == [notice], page
        assert not at.sidebar.text_input  # no "your name" field any more
    assert at.session_state[ui.PERSON_KEY].login == "local"


def test_demo_banner_and_start_empty(demo_workbook: Path) -> None:
    at = open_app(lang="zh-Hans")
    banner = at.get("markdown")
    assert any("演示数据" in m.value for m in banner)
    at.button(key="demo_confirm").click().run()
    assert not _problems(at)
    assert any(s.value == i18n.t("common.demo.emptied", "zh-Hans") for s in at.success)
    assert not any("演示数据" in m.value for m in at.get("markdown"))
    from unionplan.data.store.xlsx import XlsxStore

    data = Workbook(XlsxStore(str(demo_workbook))).load(fresh=True)
    assert data.df("activities").empty and data.df("targets").empty
    assert not demo.is_demo(data)


def test_no_demo_banner_on_an_empty_workbook(no_workbook: Path) -> None:
    at = open_app(lang="zh-Hans")
    assert not any("演示数据" in m.value for m in at.get("markdown"))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", ["overview", "data"])
def test_data_layer_error_is_a_message_not_a_traceback(
    page: str, lang: str, workbook_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(self: Workbook, *, fresh: bool = False) -> None:
        raise BackendUnavailableError("simulated outage")

    monkeypatch.setattr(Workbook, "load", down)
    at = open_app(lang=lang)
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception
    assert [e.value for e in at.error] == [i18n.t("errors.backend_unavailable", lang)]


def test_first_run_creates_the_demo_only_at_the_default_location(tmp_path: Path) -> None:
    default = tmp_path / "data" / "unionplan.xlsx"
    ui._first_run(Location("xlsx", str(default), source="default"))
    assert default.exists()
    configured = tmp_path / "ours.xlsx"
    ui._first_run(Location("xlsx", str(configured), source="env"))
    assert not configured.exists()  # someone chose this path: it starts empty, not as a demo


def test_demo_workbook_has_no_data_issues(demo_workbook: Path) -> None:
    at = open_page("data")
    assert any(s.value == i18n.t("data.issues_none", "zh-Hans") for s in at.success)
