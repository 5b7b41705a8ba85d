"""The only Streamlit-aware part of unionplan: session language, the workbook in use and
its load, the signed-in person, error display and the write-then-rerun cycle. Pages call
these; domain modules never do.

Signing in (the gate app.py passes first, the navigation per role, the sidebar's account
block) is `unionplan.ui.signin`; it puts the person in the session, `person()` reads it.

Area-specific widgets live in ``unionplan.ui.<area>`` modules; the record form with its
conflict view, shared by every editable table, in ``unionplan.ui.forms``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from unionplan import files, i18n
from unionplan.data import access, privacy
from unionplan.data.access import Person
from unionplan.data.schema import DEFAULT_LANG, LANGS
from unionplan.data.tables import ROW, WorkbookData, unit_tree
from unionplan.data.workbook import DEFAULT_TTL, Workbook
from unionplan.errors import ConflictError, UnionplanError
from unionplan.markup import md_text  # pages use it as ui.md_text: t("…", x=md_text(x))
from unionplan.ops import demo
from unionplan.ops.config import (
    Location,
    open_aid_store,
    open_store,
    resolve_aid_location,
    resolve_location,
)
from unionplan.ui.derived_cache import derived as derived  # pages cache per-load work

T = TypeVar("T")

LANG_KEY = "lang"
PERSON_KEY = "_person"  # the signed-in Person, put there by unionplan.ui.signin each run
FLASH_KEY = "_flash"
_LOCATION = "_location"


def lang() -> str:
    """The session's language: Simplified Chinese unless the user picked another."""
    return i18n.normalize_lang(st.session_state.get(LANG_KEY, DEFAULT_LANG))


def t(key: str, /, **params: Any) -> str:
    return i18n.t(key, lang(), **params)


def use_location(loc: Location) -> None:
    """Work on another workbook for the rest of this session (a tested Google Sheet)."""
    st.session_state[_LOCATION] = loc


def session_location() -> Location | None:
    """The workbook this session chose on the data page, if it chose one."""
    loc = st.session_state.get(_LOCATION)
    return loc if isinstance(loc, Location) else None


def forget_location() -> None:
    """Back to the configured workbook."""
    st.session_state.pop(_LOCATION, None)


def location() -> Location:
    """The workbook this session works on: its own choice, else the configured one."""
    return session_location() or resolve_location()


@st.cache_resource(show_spinner=False)
def _workbook(loc: Location) -> Workbook:
    return Workbook(open_store(loc), ttl=DEFAULT_TTL)


def workbook() -> Workbook:
    """The Workbook for this session's location; one per location, shared by sessions."""
    loc = location()
    return _with_aid(_workbook(loc), loc)


@st.cache_resource(show_spinner=False)
def _aid_store(loc: Location, lang: str) -> Any:
    return open_aid_store(loc, lang)


def _with_aid(wb: Workbook, loc: Location) -> Workbook:
    """`wb` keeping the aid tables in the aid workbook configured now (env, secrets, or the
    plan workbook's setting), so a setting changed on the data page or in the sheet is
    followed on the next run; a newly attached aid workbook gets its tabs."""
    aid = resolve_aid_location(loc, lambda: wb.load().settings)
    if wb.use_aid(_aid_store(aid, wb.load().language) if aid else None):
        wb.ensure_tabs()
    return wb


def _first_run(loc: Location) -> None:
    """On the very first start (local default workbook missing), create a demo year.

    Only the default location gets demo data: a path someone configured on purpose is
    their union's workbook, and it starts empty (tabs and headers only).
    """
    path = Path(loc.target)
    if loc.kind != "xlsx" or loc.source != "default" or path.exists():
        return
    files.private_dir(path.parent)
    demo.create_demo(path, year=dt.date.today().year)


@st.cache_resource(show_spinner=False)
def _opened(loc: Location) -> Workbook:
    """The workbook made ready once per location and process: the demo year on a first
    start, missing tabs and headers created. A failure is not cached: the next run retries."""
    _first_run(loc)
    wb = _with_aid(_workbook(loc), loc)
    wb.ensure_tabs()
    return wb


def data() -> WorkbookData:
    """The workbook as loaded now, shared by every session and rerun.

    The one cache is the workbook's own (`Workbook.load`): it re-reads after a write, when
    the store's change token moves (the local file's size or time: an edit saved in Excel
    or WPS shows on the next rerun) and after its TTL (Google Sheets, which has no token).
    Pages must not mutate what it returns.
    """
    leave_pages_folder_mode()
    loc = location()
    return _with_aid(_opened(loc), loc).load()


def leave_pages_folder_mode() -> None:
    """Make sure a page runs inside app.py's shell, not as a bare legacy page.

    Streamlit guesses "legacy multipage app" when a ``pages/`` folder sits beside the
    main script, until the first ``st.navigation`` call in the process turns that off.
    So when the first request after a server start is for ``/data`` (a bookmark), the
    page script ran alone: no sidebar, no language, no error handling. A page noticing
    this switches the guess off and reruns, and app.py then runs as it always should.
    AppTest re-guesses on every run, so this also keeps page tests honest.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def clear_cache() -> None:
    """Drop the loaded workbook, so the next `data()` reads the store again."""
    workbook().invalidate()


# Nobody: what a script run that somehow skipped the sign-in gate acts as. Holds no role,
# so every write it tries is refused by the workbook layer.
NOBODY = Person("anonymous", "", frozenset())


def person() -> Person:
    """Who is signed in (LOCAL_ADMIN in single-person mode); recorded in the audit log and
    checked by every write."""
    found = st.session_state.get(PERSON_KEY)
    return found if isinstance(found, Person) else NOBODY


def may_write(table_key: str) -> bool:
    """Whether the signed-in person's roles let them write the table: pages show forms
    only then. Hiding is a courtesy; the workbook layer is the protection."""
    return access.may_write_table(person(), table_key)


def show_error(exc: UnionplanError) -> None:
    """An expected error, in the user's language, with what to do next; no traceback.

    Its parameters (an id, a tab's title, a path) may come from the workbook or the
    server: shown as text, never as Markdown."""
    params = dict(exc.params)
    params.setdefault("detail", exc.detail)
    params = {k: md_text(v) if isinstance(v, str) else v for k, v in params.items()}
    st.error(t(exc.key, **params), icon=":material/error:")


def flash(message: str) -> None:
    """A success message shown once, after the rerun that follows a write."""
    st.session_state[FLASH_KEY] = message


def show_flash() -> None:
    msg = st.session_state.pop(FLASH_KEY, None)
    if msg:
        st.success(msg, icon=":material/check_circle:")


def write(fn: Callable[..., T], *args: Any, success: str | None = None, **kwargs: Any) -> T | None:
    """Run a write; on success clear the cache and rerun, on failure show why.

    Returns None after showing the error so the caller keeps the form's input (forms use
    `clear_on_submit=False`). A ConflictError is re-raised after display so the page can
    show the other person's version beside the user's.
    """
    try:
        with queue_notice():
            result = fn(*args, **kwargs)
    except ConflictError:
        raise
    except UnionplanError as exc:
        show_error(exc)
        return None
    clear_cache()
    if success:
        flash(success)
    st.rerun()
    return result


# ---------------------------------------------------------------------- the app shell
# Used by app.py on every run, before the page script.

_LANG_WIDGET = "_lang_widget"
_LANG_INIT = "_lang_from_url"
LANG_PARAM = "lang"
_LANG_ALIASES = {
    "zh": "zh-Hans",
    "zh-cn": "zh-Hans",
    "zh-hans": "zh-Hans",
    "zh-sg": "zh-Hans",
    "zh-tw": "zh-Hant",
    "zh-hk": "zh-Hant",
    "zh-hant": "zh-Hant",
    "en": "en",
    "en-us": "en",
    "en-gb": "en",
}


def lang_from_param(value: str | None) -> str | None:
    """A language code from a URL parameter ("en", "zh-TW", "zh-Hant" …), or None."""
    if not value:
        return None
    return _LANG_ALIASES.get(value.strip().replace("_", "-").casefold())


def init_session() -> None:
    """Honour ``?lang=en`` on a session's first run, so a link can open in a language.

    Only the first run: afterwards the sidebar choice rules, and a language already set
    for the session (tests set it directly) is never overridden.
    """
    if st.session_state.get(_LANG_INIT):
        return
    st.session_state[_LANG_INIT] = True
    code = lang_from_param(st.query_params.get(LANG_PARAM))
    if code and LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = code


def _copy_widget(widget_key: str, state_key: str) -> None:
    st.session_state[state_key] = st.session_state.get(widget_key)


def language_selector() -> None:
    """The sidebar language choice, remembered for the session in ``session_state["lang"]``.

    The widget has its own key and copies into "lang" on change: a widget's key is
    dropped from session state on any run where it is not drawn, "lang" is not.
    """
    st.session_state[_LANG_WIDGET] = lang()
    st.sidebar.selectbox(
        t("common.language"),
        LANGS,
        format_func=lambda code: i18n.LANG_NAMES[code],
        key=_LANG_WIDGET,
        on_change=_copy_widget,
        args=(_LANG_WIDGET, LANG_KEY),
    )


def sidebar() -> None:
    """Language and where the workbook is: the same on every page (the account block
    below them is unionplan.ui.signin's)."""
    language_selector()
    try:
        loc = location()
    except UnionplanError:
        return  # the page itself shows the configuration error
    where = Path(loc.target).name if loc.kind == "xlsx" else "Google Sheets"
    st.sidebar.caption(t("common.workbook_caption", location=md_text(where)))


def none_label(options: Any, format_func: Callable[[Any], str]) -> str | None:
    """The label of a selectbox's None option ("全部", "新建"), to pass as its placeholder:
    Streamlit shows the placeholder, by default the English "Choose an option", whenever
    the value is None (after a reset, or a blank cell in a form) instead of that label."""
    return format_func(None) if None in options else None


def lazy_tabs(page: str, names: tuple[str, ...]) -> tuple[str, Any]:
    """The page's tabs, labelled `{page}.tab_{name}`, of which only the open one runs:
    (its name, its container). Every tab's charts and tables would otherwise be rebuilt
    and redrawn on each click anywhere on the page (the targets page at 500 targets:
    ten plotly charts, 0.4 s of the browser's time per period change). Opening a tab is
    a run of the page; the open tab is kept under the key `{page}_tab`."""
    key = f"{page}_tab"
    labels = [t(f"{page}.tab_{name}") for name in names]
    held = st.session_state.get(key)
    if held is not None and held not in labels:  # the language changed: the same tab
        for name, label in zip(names, labels, strict=True):
            if held in {i18n.t(f"{page}.tab_{name}", lg) for lg in LANGS}:
                st.session_state[key] = label
    boxes = st.tabs(labels, key=key, on_change="rerun")
    for name, box in zip(names, boxes, strict=True):
        if box.open:
            return name, box
    return names[0], boxes[0]


def page_header(title_key: str, caption: str | None = None) -> None:
    """The page title from the catalogue, an optional caption, how old the data is, and
    any pending flash."""
    leave_pages_folder_mode()
    st.title(t(title_key))
    if caption:
        st.caption(caption)
    freshness()
    show_flash()


def freshness() -> None:
    """Quietly, on every page: "数据读取于 10:42" and a button to read the workbook again.

    An edit saved in Excel shows on the next rerun anyway (the file's change token); one
    in the Google Sheet within the cache's TTL, or at once with this button. A load that
    fails says nothing here: the page shows the error.
    """
    try:
        d = data()
    except UnionplanError:
        return
    when = dt.datetime.fromtimestamp(d.loaded_at).strftime("%H:%M")
    text, button = st.columns([0.9, 0.1], vertical_alignment="center")
    text.caption(t("common.loaded_at", time=when))
    if button.button(
        ":material/refresh:", key="freshness_refresh", help=t("common.refresh"), type="tertiary"
    ):
        clear_cache()
        st.rerun()


@contextmanager
def queue_notice() -> Iterator[None]:
    """While a save waits its turn under Google's quota, say so: "排队中：前面还有 3 个请求"."""
    from unionplan.data.store.gsheets_pace import observe

    slot = st.empty()

    def tell(ahead: int, wait_s: float) -> None:
        slot.info(t("common.queued", n=max(ahead, 1)), icon=":material/hourglass_top:")

    try:
        with observe(tell):
            yield
    finally:
        slot.empty()


def demo_banner() -> None:
    """Say plainly that the workbook holds demo data, and offer an empty one instead."""
    try:
        if not demo.is_demo(data()):
            return
    except UnionplanError:
        return  # the page shows the error itself
    with st.container(border=True, key="demo_banner"):
        st.markdown(":material/science: " + t("common.demo.banner"))
        if not person().is_admin:
            return  # only an administrator may empty the workbook (start_empty checks too)
        with st.popover(t("common.demo.start_empty")):
            st.write(t("common.demo.confirm"))
            if st.button(t("common.demo.confirm_button"), type="primary", key="demo_confirm"):
                write(demo.start_empty, workbook(), person(), success=t("common.demo.emptied"))


def run_page(page: Any, data_page: str | None) -> None:
    """Run the selected page; an expected error becomes a message, never a traceback.

    Only `UnionplanError` is caught: anything else is a bug and must stay visible.
    `data_page` is linked after an error, for those who may open it (None: nobody).
    """
    try:
        demo_banner()
        page.run()
    except UnionplanError as exc:
        show_error(exc)
        if data_page is None:
            return
        st.caption(t("common.error_hint"))
        if getattr(page, "url_path", None) != "data":
            st.page_link(data_page, label=t("common.go_data_page"), icon=":material/build:")


def refresh_button(key: str = "refresh") -> None:
    """Re-read the workbook now instead of waiting for the cache to expire."""
    if st.button(t("common.refresh"), icon=":material/refresh:", key=key):
        clear_cache()
        flash(t("common.refreshed"))
        st.rerun()


def fmt_loaded_at(d: WorkbookData) -> str:
    when = dt.datetime.fromtimestamp(d.loaded_at)
    return f"{i18n.fmt_date(when.date(), lang())} {when:%H:%M:%S}"


def record_counts_text(d: WorkbookData) -> str:
    """'活动 42 · 目标 12 · …': records per table (deleted rows excluded), tabs in use only."""
    return " · ".join(
        f"{td.table.label.get(lang())} {len(td.df)}"
        for td in d.tables.values()
        if td.title is not None and not td.table.system
    )


def issues_frame(
    d: WorkbookData, tab: str | None = None, *, who: Person | None = None
) -> pd.DataFrame:
    """The workbook's data issues as a table people can act on: tab, row, column, text.

    The text as typed of a personal field is shown only to those who may see the personal
    data of that case (`access.can_see_personal`); others see it masked ("•••"): the row
    and column are enough to find the cell in the sheet. Once per load, tab, person and
    language (`derived`); do not mutate.
    """
    return derived(_issues_frame, d, tab, who or person(), lang())


def _issues_frame(d: WorkbookData, tab: str | None, who: Person, lg: str) -> pd.DataFrame:
    col = lambda k: i18n.t(f"data.col.{k}", lg)  # noqa: E731 - local shorthand
    all_personal = access.can_see_all_personal(who)
    units = None if all_personal else unit_tree(d)

    def shown(i: Any) -> str:
        if not i.sensitive or not i.raw or all_personal:
            return i.raw
        if units is not None and access.can_see_personal(who, _issue_case_unit(d, i), units):
            return i.raw
        return privacy.MASK

    rows = [
        {
            col("tab"): i.tab,
            col("row"): i.row,
            col("column"): i.column or "",
            col("raw"): shown(i),
            col("problem"): i18n.t(i.key, lg, **dict(i.params)),
        }
        for i in d.issues
        if tab is None or i.tab == tab
    ]
    cols = [col(k) for k in ("tab", "row", "column", "raw", "problem")]
    df = pd.DataFrame(rows, columns=cols)
    df[col("row")] = df[col("row")].astype("Int64")
    return df


def _issue_case_unit(d: WorkbookData, issue: Any) -> Any:
    """The unit of the aid case a data issue's row belongs to (None when not found)."""
    for key in ("aid_cases", "aid_payments", "aid_events"):
        td = d.tables[key]
        if td.title != issue.tab or td.df.empty:
            continue
        hit = td.df[td.df[ROW] == issue.row]
        if hit.empty:
            return None
        row = hit.iloc[0]
        return row["unit"] if key == "aid_cases" else _case_unit(d, row["case_id"])
    return None


def _case_unit(d: WorkbookData, case_id: Any) -> Any:
    cases = d.df("aid_cases")
    hit = cases[cases["id"] == case_id] if not cases.empty else cases
    return None if hit.empty else hit.iloc[0]["unit"]


def issues_table(d: WorkbookData, tab: str | None = None, *, key: str = "issues") -> int:
    """Show the issues (of one tab, or all); returns how many there are."""
    df = issues_frame(d, tab)
    if not df.empty:
        st.dataframe(df, hide_index=True, key=key, width="stretch")
    return len(df)
