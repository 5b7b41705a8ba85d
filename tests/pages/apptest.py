"""Running the app under Streamlit's AppTest, the one way page tests do it.

`open_app` starts a session on app.py (the overview) and `open_page` one that opens a page
directly, as a bookmark would; both run app.py's shell around the page (see conftest.py).
`clear_caches` empties what Streamlit caches across sessions (the loaded workbook among it),
for a test that changed the workbook behind the app's back. `Calls` counts the calls the
pages make to a domain function (work done once per load is counted so). `page_text` is
everything a session's page tree holds, as text: what a test searches for a value that
must not show.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import streamlit as st
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from tests import ROOT
from unionplan import i18n
from unionplan.ui import derived_cache

APP = str(ROOT / "app.py")
# Every page script, by name ("overview", "data", …).
PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))
# The first run of a session imports pandas and plotly and may build the demo: a generous
# bound on one script run, not a measure of speed.
TIMEOUT = 120

# The `point_app_at` fixture: point the app at a workbook path or a Google Sheet's address.
PointApp = Callable[[Path | str], Any]


def new_app(*, lang: str | None = None) -> AppTest:
    """A session not yet run, with the language already chosen (single-person mode: the
    person is the local administrator; tests/pages/test_signin.py signs people in)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if lang:
        at.session_state["lang"] = lang
    return at


def open_app(*, lang: str | None = None) -> AppTest:
    """A session that has run app.py once: the overview page."""
    return new_app(lang=lang).run()


def open_page(page: str, *, lang: str | None = None) -> AppTest:
    """A session whose first run opens ``pages/<page>.py``."""
    at = new_app(lang=lang)
    at.switch_page(f"pages/{page}.py")
    return at.run()


def open_tab(at: AppTest, page: str, tab: str) -> AppTest:
    """Open the tab `tab` of a page whose tabs run lazily (only the open one runs), as a
    click on it does: `targets` and tab `detail` is the tab labelled targets.tab_detail
    in the session's language, under the tabs' key `targets_tab`."""
    lang = at.session_state.get("lang", "zh-Hans")
    at.session_state[f"{page}_tab"] = i18n.t(f"{page}.tab_{tab}", lang)
    return at.run()


def clear_caches() -> None:
    st.cache_resource.clear()
    st.cache_data.clear()
    derived_cache.CACHE.clear()  # what pages derived from earlier loads


class Calls:
    """Wraps a module's function, counting calls; the pages call the wrapper."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> None:
        self.n = 0
        real: Callable[..., Any] = getattr(module, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.n += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)


def nodes(at: Any) -> Iterator[Any]:
    """Every node of the page tree of `at` (a session, or one block of it), depth first."""
    stack = [getattr(at, "_tree", at)]
    while stack:
        node = stack.pop()
        stack.extend(reversed(list(getattr(node, "children", {}).values())))
        yield node


def calendar_args(at: Any) -> dict[str, Any]:
    """What the page handed its one calendar component: {"events": …, "options": …}."""
    (component,) = [n for n in nodes(at) if getattr(n, "type", None) == "component_instance"]
    return json.loads(component.proto.json_args)


def page_text(at: Any) -> str:
    """Everything the page tree of `at` (a session, or one block of it) holds, as text:
    every element's message and every table's cells (a dataframe's cells travel as Arrow
    bytes, so they are read from its value)."""
    out: list[str] = []
    for node in nodes(at):
        value = getattr(node, "value", None)
        if isinstance(value, pd.DataFrame):
            out.append(value.to_csv())
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(text_format.MessageToString(proto, as_utf8=True))
    return "\n".join(out)
