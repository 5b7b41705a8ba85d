"""`python -m unionplan` as people run it: check, copy and demo, in a real subprocess."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import ROOT
from tests.fake_sheets import FakeSheets
from unionplan import i18n
from unionplan.data.store.gsheets_http import EMULATOR_ENV
from unionplan.data.store.xlsx import XlsxStore
from unionplan.ops import transfer

SETTINGS = [["编号", "项目", "值"], ["S-1", "plan_year", "2026"], ["S-2", "language", "简体中文"]]
# A hand-edited tab: title row, blank row, an unknown column, a bad date, a bad number.
MESSY = [
    ["某某中学工会2026年活动安排"],
    [],
    ["活动名称", "开始日期", "类别", "编号", "预算（元）", "经办科室"],
    ["三八节趣味运动会", "3月8日", "文体活动", "A-1", "1,600元", "工会办"],
    ["春游踏青", dt.datetime(2026, 4, 11), "文体活动", "A-2", 2000.0, None],
    ["坏行", "13月", "不存在的类别", "A-3", "一千", "x"],
]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # Only a test that asks for the fake Sheets server gets routed to one.
    base = {k: v for k, v in os.environ.items() if k != EMULATOR_ENV}
    full_env = {**base, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "unionplan", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=full_env,
        cwd=ROOT,
        timeout=120,
    )


def messy_workbook(path: Path) -> Path:
    store = XlsxStore(path)
    store.create_tabs({"设置": SETTINGS[0], "活动安排": MESSY[0], "透视表": ["合计"]})
    store.append_rows("设置", SETTINGS[1:], id_col=1)
    store.append_rows("活动安排", MESSY[1:], id_col=4)
    return path


def text_grids(path: Path) -> dict[str, list[list[str]]]:
    return {
        title: [["" if v is None else str(transfer.cell_out(v)) for v in row] for row in grid]
        for title, grid in XlsxStore(path).read_all().items()
    }


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.xlsx"
    done = run("demo", str(path), "--year", "2025", "--kind", "school")
    assert done.returncode == 0, done.stderr
    assert str(path) in done.stdout
    return path


def test_check_demo_reads_and_summarises(demo_path: Path) -> None:
    done = run("check", str(demo_path))
    assert done.returncode == 0, done.stderr
    assert "活动" in done.stdout and "60" in done.stdout
    assert "帮扶对象" in done.stdout
    assert "Traceback" not in done.stderr


def test_check_lists_every_issue_of_a_messy_workbook(tmp_path: Path) -> None:
    path = messy_workbook(tmp_path / "messy.xlsx")
    done = run("check", str(path))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    bad_date = [ln for ln in lines if "13月" in ln]
    assert bad_date == [
        "\t".join(["活动安排", "6", "开始日期", "13月", i18n.t("issues.bad_date", "zh-Hans")])
    ]
    assert any("一千" in ln and i18n.t("issues.bad_number", "zh-Hans") in ln for ln in lines)
    assert any("不存在的类别" in ln for ln in lines)
    # tabs the workbook lacks are issues too, and the summary counts them all
    assert any(i18n.t("issues.missing_tab", "zh-Hans", tab="targets") in ln for ln in lines)

    english = run("check", str(path), "--lang", "en")
    assert english.returncode == 0
    assert i18n.t("issues.bad_date", "en") in english.stdout


def test_check_missing_file_fails_clearly(tmp_path: Path) -> None:
    done = run("check", str(tmp_path / "nowhere.xlsx"))
    assert done.returncode == 2
    assert "nowhere.xlsx" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("name", ["notes.csv", "renamed.xlsx", "old.xls"])
def test_check_a_file_that_is_not_xlsx_fails_clearly(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("活动名称,开始日期\n三八节,3月8日\n", encoding="utf-8")
    done = run("check", str(path))
    assert done.returncode == 2
    assert name in done.stderr
    assert "Traceback" not in done.stderr


def test_check_unreachable_google_sheet_fails_clearly(fake_sheets: FakeSheets) -> None:
    key = fake_sheets.create_spreadsheet(title="not shared")
    fake_sheets.deny(key)
    done = run("check", key, env={EMULATOR_ENV: fake_sheets.host})
    assert done.returncode == 2
    assert key in done.stderr
    assert "Traceback" not in done.stderr


def test_copy_xlsx_to_xlsx_keeps_columns_title_rows_and_ids(tmp_path: Path) -> None:
    src = messy_workbook(tmp_path / "src.xlsx")
    dst = tmp_path / "sub" / "dst.xlsx"
    done = run("copy", str(src), str(dst))
    assert done.returncode == 0, done.stderr
    assert "100%" in done.stdout
    assert text_grids(dst) == text_grids(src)
    grid = text_grids(dst)["活动安排"]
    assert grid[0] == ["某某中学工会2026年活动安排"]
    assert grid[2][5] == "经办科室" and grid[3][5] == "工会办"
    assert [row[3] for row in grid[3:]] == ["A-1", "A-2", "A-3"]
    assert grid[4][1] == "2026-04-11"  # a date cell arrives as the text people see

    again = run("copy", str(src), str(dst))
    assert again.returncode == 2  # the destination has data now: refused, untouched
    assert text_grids(dst) == text_grids(src)


def test_copy_local_to_google(demo_path: Path, fake_sheets: FakeSheets) -> None:
    key = fake_sheets.create_spreadsheet(title="new")
    done = run("copy", str(demo_path), key, env={EMULATOR_ENV: fake_sheets.host})
    assert done.returncode == 0, done.stderr
    assert {"活动", "目标", "帮扶对象", "设置"} <= set(fake_sheets.titles(key))
    acts = fake_sheets.values(key, "活动")
    assert len(acts) == 61 and acts[1][0] == "A-0001"


def test_demo_refuses_to_overwrite_without_force(demo_path: Path) -> None:
    before = demo_path.read_bytes()
    done = run("demo", str(demo_path), "--year", "2025")
    assert done.returncode == 2
    assert demo_path.read_bytes() == before
    assert run("demo", str(demo_path), "--year", "2025", "--force").returncode == 0


def test_help_is_bilingual() -> None:
    done = run("--help")
    assert done.returncode == 0
    assert "检查工作簿" in done.stdout and "check a workbook" in done.stdout
    assert run().returncode == 2  # no command: usage, not a traceback
