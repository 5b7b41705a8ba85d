"""`python -m unionplan import` as administrators and scripts run it, in a real subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.ops.test_cli import run
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.workbook import Workbook

FIXTURES = Path(__file__).resolve().parents[1] / "reports" / "fixtures"
SETTINGS = [["编号", "项目", "值"], ["S-1", "plan_year", "2026"], ["S-2", "language", "简体中文"]]


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "工会.xlsx"
    store = XlsxStore(path)
    store.create_tabs({"设置": SETTINGS[0]})
    store.append_rows("设置", SETTINGS[1:], id_col=1)
    Workbook(store).ensure_tabs()
    return path


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    """篇七's schedule and 篇一's targets in one file."""
    path = tmp_path / "计划.txt"
    text = "\n".join(
        (FIXTURES / name).read_text(encoding="utf-8")
        for name in ("plan1_women_targets.txt", "plan7_schedule.txt")
    )
    path.write_text(text, encoding="utf-8")
    return path


def json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_dry_run_json_prints_one_object_per_record_and_writes_nothing(
    workbook: Path, plan: Path
) -> None:
    before = workbook.read_bytes()
    done = run("import", str(plan), str(workbook), "--dry-run", "--json")
    assert done.returncode == 0, done.stderr
    assert workbook.read_bytes() == before  # not a byte changed
    objects = json_lines(done.stdout)
    activities = [o for o in objects if o["kind"] == "activity"]
    targets = [o for o in objects if o["kind"] == "target"]
    assert len(activities) == 25 and len(targets) == 7  # 篇一's six, 篇七's 普访一次
    summer = [o for o in activities if o["months"] == [7, 8]]
    assert len(summer) == 5
    assert summer[0] | {"import_key": None} == {
        "kind": "activity",
        "title": "校歌颂唱决赛",
        "months": [7, 8],
        # 篇七 is a school year (九月 then 三月 …): its summer is next year's.
        "start": "2027-07",
        "end": "2027-08",
        "category": "culture_sports",
        "line": 40 + 1 + 30,  # 篇一's 40 lines, a blank line, then line 30 of 篇七's
        "import_key": None,
    }
    reports = next(o for o in targets if o["unit"] == "篇")
    assert (reports["value"], reports["direction"], reports["deadline"]) == (
        2,
        "at_least",
        "2026-11",
    )
    assert "id" not in reports  # nothing was written, so nothing has an id
    # The lines not understood go to stderr, with their line numbers; so does the summary.
    assert "第 1–4 行" in done.stderr and "未导入" in done.stderr
    assert "预览（未写入）：将新增 25 项活动、7 项目标" in done.stderr


def test_import_writes_once_and_a_second_run_adds_nothing(workbook: Path, plan: Path) -> None:
    done = run("import", str(plan), str(workbook))
    assert done.returncode == 0, done.stderr
    assert "已导入 25 项活动、7 项目标" in done.stdout
    assert "活动　2027年7月–2027年8月　[文体活动]　校歌颂唱决赛" in done.stdout
    sheet = openpyxl.load_workbook(workbook)["活动"]
    assert sheet.max_row == 1 + 25
    # The command line acts as the local administrator: the audit log says so.
    audit = Workbook(XlsxStore(workbook)).load(fresh=True).df("audit_log")
    assert len(audit) == 32 and set(audit["user"]) == {"local"}
    again = run("import", str(plan), str(workbook), "--json", "--lang", "en")
    assert again.returncode == 0, again.stderr
    assert again.stdout == ""
    assert "Imported 0 activities and 0 targets" in again.stderr
    assert "32 imported before were skipped" in again.stderr
    assert openpyxl.load_workbook(workbook)["活动"].max_row == 1 + 25


def test_written_records_carry_their_ids(workbook: Path, plan: Path) -> None:
    done = run("import", str(plan), str(workbook), "--json")
    assert done.returncode == 0, done.stderr
    ids = [o["id"] for o in json_lines(done.stdout)]
    assert len(ids) == 32 and len(set(ids)) == 32
    assert all(i.startswith(("A-", "T-")) for i in ids)


def test_a_plan_without_anything_to_import(workbook: Path, tmp_path: Path) -> None:
    empty = tmp_path / "空.md"
    empty.write_text("# 工作总结\n\n今年工作很好。\n", encoding="utf-8")
    done = run("import", str(empty), str(workbook), "--dry-run")
    assert done.returncode == 1
    assert "没有找到月份" in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("plan_name", "message"),
    [("计划.docx", "不能导入这种文件"), ("没有这个文件.txt", "无法读取文件")],
)
def test_a_plan_that_cannot_be_read(
    workbook: Path, tmp_path: Path, plan_name: str, message: str
) -> None:
    done = run("import", str(tmp_path / plan_name), str(workbook), "--dry-run")
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_workbook(plan: Path, tmp_path: Path) -> None:
    done = run("import", str(plan), str(tmp_path / "没有.xlsx"), "--dry-run")
    assert done.returncode == 2
    assert "无法打开工作簿" in done.stderr
