"""The 报告 section in a real browser on the demo year: a generated report's preview (its
title, the narrative in text areas, the tables) and the import preview of a pasted seed
plan (the two editable tables and the lines not understood), in Chinese and English, on a
desktop and a phone. Screenshots go to artifacts/screenshots/reports-*.png and
plan-import-*.png for review. Signed in as a viewer, a report and its .docx (charts drawn
by kaleido) hold no personal aid data; an anonymous visitor is refused the three pages."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from tests import ROOT
from tests.browser.conftest import (
    DESKTOP,
    LANG,
    PASSWORD,
    PHONE,
    RUN_TIMEOUT_MS,
    AppServer,
    open_app,
    screenshot,
    sign_in,
    wait_for_run,
)
from tests.reports.test_plan_text import PLAN7_COUNTS
from unionplan import i18n
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.workbook import Workbook

pytestmark = pytest.mark.browser

PLAN = (ROOT / "tests" / "reports" / "fixtures" / "plan7_schedule.txt").read_text(encoding="utf-8")


def _main(page: object) -> object:
    return page.locator('[data-testid="stMain"]')  # type: ignore[attr-defined]


def _no_exception(page: object, server: AppServer) -> None:
    errors = page.locator('[data-testid="stException"]')  # type: ignore[attr-defined]
    assert errors.count() == 0, errors.first.inner_text() + "\n" + server.log_tail()


def _fits(page: object, width: int) -> None:
    """Nothing in the main column is wider than the window (no sideways scrolling)."""
    wide = page.evaluate(  # type: ignore[attr-defined]
        "() => document.querySelector('[data-testid=\"stMain\"]').scrollWidth"
    )
    assert wide <= width + 1, wide


def _generate(page: object, lang: str) -> None:
    main = _main(page)
    main.get_by_role("button", name=i18n.t("reports.page.generate", lang)).click()  # type: ignore[attr-defined]
    main.locator('[data-testid="stTextArea"]').first.wait_for(timeout=RUN_TIMEOUT_MS)  # type: ignore[attr-defined]
    wait_for_run(page)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_report_preview(
    browser: object, app_server: AppServer, lang: str, viewport: dict[str, int]
) -> None:
    page = open_app(browser, app_server, "reports", lang=lang, viewport=viewport)
    try:
        _generate(page, lang)
        _no_exception(page, app_server)
        main = _main(page)
        assert main.locator("h3").count() >= 1  # type: ignore[attr-defined]  # the report's title
        assert main.locator('[data-testid="stTextArea"]').count() >= 3  # type: ignore[attr-defined]
        assert main.locator('[data-testid="stDataFrame"]').count() >= 2  # type: ignore[attr-defined]
        for key in ("h_overview", "h_targets", "h_activities"):
            assert main.get_by_text(i18n.t(f"reports.{key}", lang)).count() >= 1  # type: ignore[attr-defined]
        make = main.get_by_role("button", name=i18n.t("reports.page.docx_make", lang))  # type: ignore[attr-defined]
        assert make.count() == 1
        _fits(page, viewport["width"])
    finally:
        screenshot(page, f"reports-{lang}-{viewport['width']}")
        page.context.close()  # type: ignore[attr-defined]


def _personal_values(workbook: Path) -> list[str]:
    """The demo's aid cases' names, ID numbers, phones and addresses."""
    cases = Workbook(XlsxStore(workbook)).load(fresh=True).df("aid_cases")
    return [
        str(v)
        for col in ("name", "id_number", "phone", "address")
        for v in cases[col].dropna()
        if str(v).strip()
    ]


def test_a_viewers_report_and_its_docx_hold_no_personal_aid_data(
    browser: object, accounts_server: AppServer
) -> None:
    """Signed in as a viewer: the half-year summary (a period with aid paid) on the page
    and in the .docx, made on the server with kaleido's charts, names nobody helped."""
    values = _personal_values(accounts_server.workbook)
    assert len(values) >= 20
    page = open_app(browser, accounts_server, "reports")
    try:
        sign_in(page, "leader", PASSWORD)  # which opens the page asked for
        nav = page.locator('[data-testid="stSidebarNav"]')  # type: ignore[attr-defined]
        nav.get_by_role("link", name=i18n.t("common.nav.reports", LANG), exact=True).click()
        main = _main(page)
        generate = main.get_by_role("button", name=i18n.t("reports.page.generate", LANG))  # type: ignore[attr-defined]
        generate.wait_for(timeout=RUN_TIMEOUT_MS)
        group = main.locator('[data-testid="stButtonGroup"]')  # type: ignore[attr-defined]
        for label in (i18n.t("reports.kind_half", LANG), i18n.t("targets.period_H1", LANG)):
            group.get_by_text(label, exact=True).click()
            wait_for_run(page)
        _generate(page, LANG)
        # The half-year summary it was asked for (its title names the half-year).
        year = Workbook(XlsxStore(accounts_server.workbook)).load(fresh=True).plan_year
        half = i18n.t("reports.period_h1", LANG, year=year)
        main.locator("h3").filter(has_text=half).first.wait_for(timeout=RUN_TIMEOUT_MS)
        _no_exception(page, accounts_server)
        shown = main.inner_text()  # type: ignore[attr-defined]
        areas = main.locator("textarea")  # type: ignore[attr-defined]
        shown += "\n".join(areas.nth(i).input_value() for i in range(areas.count()))
        assert i18n.t("reports.note_no_personal", LANG) in shown
        assert i18n.t("reports.h_aid", LANG) in shown  # the aid section is there, as sums
        main.get_by_role("button", name=i18n.t("reports.page.docx_make", LANG)).click()  # type: ignore[attr-defined]
        download = main.get_by_role("button", name=i18n.t("reports.page.docx_download", LANG))  # type: ignore[attr-defined]
        download.wait_for(timeout=RUN_TIMEOUT_MS * 2)
        _no_exception(page, accounts_server)
        with page.expect_download(timeout=RUN_TIMEOUT_MS) as info:  # type: ignore[attr-defined]
            download.click()
        document = docx.Document(str(info.value.path()))
        assert len(document.inline_shapes) >= 1  # the charts, drawn
        failed = i18n.t("reports.chart_failed", LANG).split("{")[0]
        assert not any(p.text.startswith(failed) for p in document.paragraphs)
        written = "\n".join(
            [p.text for p in document.paragraphs]
            + [c.text for tb in document.tables for row in tb.rows for c in row.cells]
        )
        assert i18n.t("reports.note_no_personal", LANG) in written
        assert [v for v in values if v in shown or v in written] == []
    finally:
        screenshot(page, "reports-viewer-zh-Hans-1366")
        page.context.close()  # type: ignore[attr-defined]


def test_an_anonymous_visitor_is_refused_the_report_pages(
    browser: object, accounts_server: AppServer
) -> None:
    """With accounts, the three pages of 报告 by their addresses show the sign-in page."""
    for address in ("reports", "plan_import", "new_plan"):
        page = open_app(browser, accounts_server, address)
        try:
            main = _main(page)
            main.locator("h1").filter(has_text=i18n.t("auth.signin_title", LANG)).first.wait_for(  # type: ignore[attr-defined]
                state="visible", timeout=RUN_TIMEOUT_MS
            )
            _no_exception(page, accounts_server)
            text = page.locator("body").inner_text()  # type: ignore[attr-defined]
            for absent in (
                i18n.t(f"common.nav.{address}", LANG),
                i18n.t("reports.page.generate", LANG),
                i18n.t("reports.import.button", LANG),
                "某某中学工会",
            ):
                assert absent not in text, (address, absent)
        finally:
            page.context.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_import_preview(
    browser: object, app_server: AppServer, lang: str, viewport: dict[str, int]
) -> None:
    page = open_app(browser, app_server, "plan_import", lang=lang, viewport=viewport)
    try:
        main = _main(page)
        box = main.locator('[data-testid="stTextArea"] textarea').first  # type: ignore[attr-defined]
        box.fill(PLAN)
        box.press("Control+Enter")  # a text area hands its value over on Ctrl+Enter or blur
        main.locator('[data-testid="stDataFrame"]').nth(1).wait_for(timeout=RUN_TIMEOUT_MS)  # type: ignore[attr-defined]
        wait_for_run(page)
        _no_exception(page, app_server)
        assert main.locator('[data-testid="stDataFrame"]').count() == 3  # type: ignore[attr-defined]
        n = sum(PLAN7_COUNTS.values())  # 篇七's schedule, counted by hand
        heading = i18n.t("reports.import.activities", lang, n=n)
        assert main.get_by_text(heading).count() == 1  # type: ignore[attr-defined]
        go = main.get_by_role("button", name=i18n.t("reports.import.button", lang))  # type: ignore[attr-defined]
        assert go.is_enabled()
        _fits(page, viewport["width"])
    finally:
        screenshot(page, f"plan-import-{lang}-{viewport['width']}")
        page.context.close()  # type: ignore[attr-defined]
