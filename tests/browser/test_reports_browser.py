"""The 报告 section in a real browser on the demo year: a generated report's preview (its
title, the narrative in text areas, the tables) and the import preview of a pasted seed
plan (the two editable tables and the lines not understood), in Chinese and English, on a
desktop and a phone. Screenshots go to artifacts/screenshots/reports-*.png and
plan-import-*.png for review; one test makes the .docx with its charts drawn by kaleido."""

from __future__ import annotations

import docx
import pytest

from tests import ROOT
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    RUN_TIMEOUT_MS,
    AppServer,
    open_app,
    screenshot,
    wait_for_run,
)
from tests.reports.test_plan_text import PLAN7_COUNTS
from unionplan import i18n

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


def test_report_docx_with_real_charts(browser: object, app_server: AppServer) -> None:
    """The .docx made on the server with kaleido's charts, then offered for download."""
    page = open_app(browser, app_server, "reports", lang="zh-Hans")
    try:
        _generate(page, "zh-Hans")
        main = _main(page)
        main.get_by_role("button", name=i18n.t("reports.page.docx_make", "zh-Hans")).click()  # type: ignore[attr-defined]
        download = main.get_by_role("button", name=i18n.t("reports.page.docx_download", "zh-Hans"))  # type: ignore[attr-defined]
        download.wait_for(timeout=RUN_TIMEOUT_MS * 2)
        _no_exception(page, app_server)
        with page.expect_download(timeout=RUN_TIMEOUT_MS) as info:  # type: ignore[attr-defined]
            download.click()
        document = docx.Document(str(info.value.path()))
        assert len(document.inline_shapes) >= 1  # the charts, drawn
        failed = i18n.t("reports.chart_failed", "zh-Hans").split("{")[0]
        assert not any(p.text.startswith(failed) for p in document.paragraphs)
    finally:
        screenshot(page, "reports-zh-Hans-1366-docx")
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
