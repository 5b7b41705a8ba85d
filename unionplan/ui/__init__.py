"""The only Streamlit-aware part of unionplan: session language, cached loading, user,
error display and the write-then-rerun cycle. Pages call these; domain modules never do.

Area-specific widgets (forms, tables) live in ``unionplan.ui.<area>`` modules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from unionplan import i18n
from unionplan.config import Location, open_store, resolve_location
from unionplan.errors import ConflictError, UnionplanError
from unionplan.schema import DEFAULT_LANG
from unionplan.workbook import DEFAULT_TTL, Workbook, WorkbookData

T = TypeVar("T")

LANG_KEY = "lang"
USER_KEY = "user_name"
FLASH_KEY = "_flash"


def lang() -> str:
    """The session's language: Simplified Chinese unless the user picked another."""
    return i18n.normalize_lang(st.session_state.get(LANG_KEY, DEFAULT_LANG))


def t(key: str, /, **params: Any) -> str:
    return i18n.t(key, lang(), **params)


def location() -> Location:
    """The configured workbook location; the data page may override it for the session."""
    loc = st.session_state.get("_location")
    return loc if isinstance(loc, Location) else resolve_location()


@st.cache_resource(show_spinner=False)
def _workbook(loc: Location) -> Workbook:
    return Workbook(open_store(loc), ttl=DEFAULT_TTL)


def workbook() -> Workbook:
    """The Workbook for this session's location; one per location, shared by sessions."""
    return _workbook(location())


@st.cache_resource(ttl=DEFAULT_TTL, show_spinner=False)
def _load(loc: Location) -> WorkbookData:
    # cache_resource, not cache_data: a 10k-row snapshot is shared read-only by every
    # session instead of being unpickled on each rerun. Pages must not mutate it.
    wb = _workbook(loc)
    wb.ensure_tabs()
    return wb.load()


def data() -> WorkbookData:
    """The one cached load every page reads from (shared by all sessions, TTL'd)."""
    return _load(location())


def clear_cache() -> None:
    _load.clear()
    workbook().invalidate()


def user() -> str:
    """Who is editing: the signed-in user's name, else the name typed in the sidebar."""
    name = st.session_state.get(USER_KEY) or ""
    return name.strip() or t("common.anonymous")


def show_error(exc: UnionplanError) -> None:
    """An expected error, in the user's language, with what to do next; no traceback."""
    params = dict(exc.params)
    params.setdefault("detail", exc.detail)
    st.error(t(exc.key, **params), icon="⚠️")


def flash(message: str) -> None:
    """A success message shown once, after the rerun that follows a write."""
    st.session_state[FLASH_KEY] = message


def show_flash() -> None:
    msg = st.session_state.pop(FLASH_KEY, None)
    if msg:
        st.success(msg, icon="✅")


def write(fn: Callable[..., T], *args: Any, success: str | None = None, **kwargs: Any) -> T | None:
    """Run a write; on success clear the cache and rerun, on failure show why.

    Returns None after showing the error so the caller keeps the form's input (forms use
    `clear_on_submit=False`). A ConflictError is re-raised after display so the page can
    show the other person's version beside the user's.
    """
    try:
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
