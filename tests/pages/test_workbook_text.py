"""Text from the workbook is shown as text, never as Markdown or HTML (issue #9).

A title (and a section, a unit's name, the union's name, a unit of measure, who changed a
row) that tries every trick, ``![x](http://evil/x.png) [click](http://evil) <img …>
**bold** :material/home: $x$``, goes through every page it appears on. Everything that
Streamlit renders as Markdown (text, captions, headings, alerts, labels, help, options of
radios and button groups) is searched: the hostile text must be there only escaped, so no
link, image, HTML, icon, bold or maths is left active. Chart specs carry it with "<" and
"&" escaped; the calendar hands it to FullCalendar, which shows titles as text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from tests.pages.apptest import PointApp, calendar_args, nodes, open_app, open_page, open_tab
from tests.people import admin
from unionplan.data.parse import PlanDate
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.workbook import Workbook
from unionplan.markup import md_text, plot_text
from unionplan.plan import calendar_view
from unionplan.ui.targets import TABS as TARGET_TABS

TODAY = dt.date.today()
YEAR = TODAY.year

EVIL = (
    "![x](http://evil/x.png) [click](http://evil) <img src=x onerror=alert(1)> "
    "**bold** :material/home: $x$"
)
# What each trick looks like while it is still active Markdown or HTML: not preceded by
# the backslash that makes its first mark a plain character.
ACTIVE = [
    re.compile(r"(?<!\\)" + re.escape(mark))
    for mark in ("![x](", "[click](", "<img", ":material/home:", "$x$", "**bold**", "](http")
]
SHOWN = md_text(EVIL)  # how it must appear in Markdown: every mark escaped


@pytest.fixture
def hostile(tmp_path: Path, point_app_at: PointApp) -> Path:
    """A workbook where every typed text a page shows is the hostile one."""
    path = tmp_path / "union.xlsx"
    wb = Workbook(XlsxStore(str(path)), ttl=0)
    wb.ensure_tabs("zh-Hans")
    wb.set_setting("plan_year", str(YEAR), admin("test"))
    wb.set_setting("union_name", EVIL, admin("test"))
    wb.append("units", {"id": "U-1", "name": EVIL}, admin("test"))
    wb.append(
        "activities",
        {"id": "A-1", "title": EVIL, "start": PlanDate.of(TODAY), "unit": "U-1"},
        admin(EVIL),  # who added it: shown when someone else's version is compared
    )
    wb.append(
        "targets",
        {
            "id": "T-1",
            "section": EVIL,
            "title": EVIL,
            "metric": "count",
            "target_value": 10,
            "unit_of_measure": EVIL,
            "unit": "U-1",
            "weight": 10,
        },
        admin("test"),
    )
    wb.append(
        "progress", {"target_id": "T-1", "date": TODAY, "value": 3, "unit": "U-1"}, admin("test")
    )
    point_app_at(path)
    return path


# ------------------------------------------------------------------ reading the render tree

_MARKDOWN_FIELDS = {"body", "label", "help", "title", "caption", "content", "placeholder"}
_PLAIN = {"selectbox", "multiselect", "arrow_data_frame", "component_instance", "plotly_chart"}


def _strings(value: Any, keys: set[str] | None = None, key: str = "") -> Iterator[str]:
    """Strings in a proto dict (under `keys` only, when given) or in parsed JSON."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, keys, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, keys, key)
    elif isinstance(value, str) and (keys is None or key in keys):
        yield value


def markdown_texts(at: AppTest) -> list[str]:
    """Every text of the page Streamlit renders as Markdown, labels and options included."""
    out: list[str] = []
    for node in nodes(at):
        proto = getattr(node, "proto", None)
        if proto is None or getattr(node, "type", "") in _PLAIN:
            continue
        fields = MessageToDict(proto, preserving_proto_field_name=True)
        keys = _MARKDOWN_FIELDS | ({"options"} if node.type == "radio" else set())
        out.extend(_strings(fields, keys))
    return out


def chart_strings(at: AppTest) -> list[str]:
    out: list[str] = []
    for node in nodes(at):
        if getattr(node, "type", "") == "plotly_chart":
            out.extend(_strings(json.loads(node.proto.spec)))
    return out


def assert_shown_as_text(at: AppTest, *, expect_shown: bool = True) -> list[str]:
    assert not at.exception, at.exception
    texts = markdown_texts(at)
    active = [(mark.pattern, t[:120]) for t in texts for mark in ACTIVE if mark.search(t)]
    assert not active, active
    if expect_shown:
        assert any(SHOWN in t for t in texts), "the hostile text is not on the page at all"
    return texts


def _app(page: str | None = None) -> AppTest:
    if page is None:
        return open_app(lang="zh-Hans")
    return open_page(page, lang="zh-Hans")


# ------------------------------------------------------------------ the pages


def test_overview(hostile: Path) -> None:
    at = _app()
    assert_shown_as_text(at)  # the union's name in the caption
    assert any(SHOWN in c.value for c in at.caption)


def test_activities_page_messages_and_actions(hostile: Path) -> None:
    at = _app("activities")
    assert_shown_as_text(at, expect_shown=False)
    at.selectbox(key="act_chosen").set_value("A-1").run()
    for action in ("cancel", "duplicate"):
        at.segmented_control(key="act_sel_A-1_action").set_value(action).run()
        texts = assert_shown_as_text(at)
        assert any(SHOWN in t for t in texts)


def test_a_title_added_through_the_form(hostile: Path) -> None:
    at = _app("activities")
    at.text_input(key="act_add:title").input(EVIL)
    at.text_input(key="act_add:start").input(f"{YEAR}-03-08")
    (add,) = [b for b in at.button if b.key == "act_add_submit"]
    at = add.click().run()
    assert not at.error
    assert_shown_as_text(at)
    assert any(SHOWN in s.value for s in at.success)


def test_someone_elses_name_in_the_conflict_view(hostile: Path) -> None:
    at = _app("activities")
    at.selectbox(key="act_chosen").set_value("A-1").run()
    wb = Workbook(XlsxStore(str(hostile)), ttl=0)
    wb.update("activities", "A-1", {"location": "礼堂"}, expected_version=1, actor=admin(EVIL))
    at.text_input(key="act_sel_A-1_edit:location").input("操场")
    (save,) = [b for b in at.button if b.key == "act_sel_A-1_edit_submit"]
    at = save.click().run()
    assert at.warning  # the conflict view is open
    texts = assert_shown_as_text(at)
    assert any(SHOWN in t for t in texts)


def test_targets_page_headings_facts_units_and_charts(hostile: Path) -> None:
    at = _app("targets")
    texts, charts, headings = [], [], []
    for tab in TARGET_TABS:  # only the open tab runs: every one of them, in turn
        open_tab(at, "targets", tab)
        texts += assert_shown_as_text(at, expect_shown=False)
        charts += chart_strings(at)
        headings += [s.value for s in at.subheader]
    assert any(SHOWN in t for t in texts)
    assert any(SHOWN in s for s in headings)  # the section heading
    assert any(md_text(EVIL) in t and "**" in t for t in texts)  # the unit's targets heading
    assert charts, "no chart on the page"
    assert not [s for s in charts if "<img" in s or "<a " in s]
    assert any("&lt;img src=x onerror=alert(1)&gt;" in s for s in charts)
    assert any(plot_text("**bold**") in s for s in charts)


def test_recording_progress_names_the_target_as_text(hostile: Path) -> None:
    at = open_tab(_app("targets"), "targets", "progress")
    (value,) = [n for n in at.number_input if str(n.key).startswith("tp_value_T-1")]
    value.set_value(2)
    at = at.button(key="tp_submit").click().run()
    assert not at.error
    assert_shown_as_text(at)
    assert any(SHOWN in s.value for s in at.success)


def test_calendar_hands_titles_to_fullcalendar_as_text(hostile: Path) -> None:
    at = _app("calendar")
    assert_shown_as_text(at, expect_shown=False)
    args = calendar_args(at)
    titles = [e.get("title", "") for e in args["events"]]
    assert any(EVIL in t for t in titles)  # as typed: FullCalendar sets it as text content
    assert not {"eventContent", "eventDidMount"} & set(args["options"])


def test_calendar_options_never_render_html() -> None:
    opts = calendar_view.options("zh-Hans", "month", TODAY, (TODAY, TODAY), 600)
    assert not {"eventContent", "eventDidMount", "dayCellContent", "moreLinkContent"} & set(opts)
