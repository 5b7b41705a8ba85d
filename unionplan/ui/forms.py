"""The record form: one component for every form that adds or edits a row of a table.

A form is described, not written: its fields (grouped in rows of columns), a function
that turns a record into widget values, a validate function that turns widget values
into clean record values (raising ValidationError with problems per field), and the
table it saves into. The component owns everything else, the same for every form:

* loading a record into the widgets once, and never over what the user typed; an
  untouched form follows a newer version of its record, a touched one keeps the input;
* the problems found by validate, and any text a cell cannot hold (`limits`), listed
  above the fields in the user's language, with the input kept so it can be corrected;
* a cap on every text field (`limits.max_chars`), never below a text already in the
  record, so nothing typed in the sheet is cut;
* the write through `ui.write` (append or update-after-version-check) and a fresh form
  after a successful save;
* a conflict (someone saved the row since it was opened): their version beside the
  user's, and the two ways out, save mine over theirs or discard mine and load theirs;
* on request (`history`), the record's history of changes under its edit form.

Widgets are keyed ``"<form key>:<field>"``; the form's own state lives under
``"<form key>:_state"``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st

from unionplan.data import limits
from unionplan.data.schema import Table
from unionplan.data.values import changes, is_blank, same
from unionplan.errors import ConflictError, ValidationError
from unionplan.ui import clear_cache, lang, md_text, none_label, person, t, workbook, write
from unionplan.ui.history import record_history

Record = Mapping[str, Any]


@dataclass(frozen=True)
class Field:
    """One input of a form, for the table column `key`; its label is the column's header
    in the user's language, with " *" when `required` (the check itself is validate's)."""

    key: str
    # "text", "textarea", "choice", "multi" (several choices), "password", "date" (a
    # date or None), "check" (a yes/no box)
    kind: str = "text"
    required: bool = False
    options: Sequence[Any] = ()  # choice: the values offered, in order
    format: Callable[[Any], str] | None = None  # choice: how a value is shown
    placeholder: str | None = None  # message key
    help: str | None = None  # message key
    max_chars: int | None = None  # text: default from the one table, `limits.max_chars`


@dataclass(frozen=True)
class RecordForm:
    """What makes one form: where it saves, what it shows, how input is checked."""

    key: str  # prefix of the widget keys; one per form and record ("te_T-1", "act_add")
    table: Table  # the table the record belongs to: labels, and where it is saved
    rows: Sequence[Sequence[Field]]  # a row of one field spans the form's width
    to_widgets: Callable[[Record | None], dict[str, Any]]  # a record (None: new) as input
    validate: Callable[[dict[str, Any]], dict[str, Any]]  # raises ValidationError
    submit_label: str
    # Success messages (Markdown): workbook text in them goes through `md_text`.
    added: Callable[[dict[str, Any]], str]  # after an append
    saved: Callable[[dict[str, Any]], str]  # after an update
    show: Callable[[str, Any, Record], str] = lambda f, v, rec: str(v)  # conflict view text
    # Values a blank cell reads as (a blank period is "year"): not an edit to write.
    defaults: Mapping[str, Any] = field(default_factory=dict)
    on_saved: Callable[[], None] | None = None
    # Where a record that does not live in the workbook is saved (the accounts of the
    # users page): save(opened record or None, values). None: the workbook's append or
    # update-after-version-check, with the conflict view.
    save: Callable[[Record | None, dict[str, Any]], Any] | None = None
    # An edit form of a workbook record shows the record's history of changes under it.
    history: bool = False

    @property
    def fields(self) -> list[Field]:
        return [f for row in self.rows for f in row]

    def widget(self, name: str) -> str:
        return f"{self.key}:{name}"

    def label(self, name: str) -> str:
        return self.table.column(name).label.get(lang())

    def as_read(self, record: Record) -> dict[str, Any]:
        return {**record, **{k: record.get(k) or v for k, v in self.defaults.items()}}


@dataclass
class _Conflict:
    current: dict[str, Any]  # the row as it is now in the workbook
    attempted: dict[str, Any]  # the changes the user tried to save
    opened: dict[str, Any]  # the version the user started from


@dataclass
class _State:
    opened: dict[str, Any] | None = None  # the record as loaded into the widgets
    loaded: dict[str, Any] = field(default_factory=dict)  # the widget values it gave
    problems: dict[str, list[str]] | None = None
    conflict: _Conflict | None = None
    reset: bool = False  # after a save: load afresh on the next run
    ready: bool = False


def _state(form: RecordForm) -> _State:
    """The form's state in the session, kept across reruns (widget values are not: Streamlit
    drops them on a run that does not draw the widget)."""
    key = form.widget("_state")
    if not isinstance(st.session_state.get(key), _State):
        st.session_state[key] = _State()
    return st.session_state[key]


_ABSENT = object()


def _sync(form: RecordForm, record: Record | None) -> None:
    """Put the record into the widgets when the form is new, another record was picked,
    a save asked for a fresh start, or a newer version arrived and nothing was typed.
    Never while a conflict about this record is open: its comparison needs the input."""
    state = _state(form)
    rid = (record or {}).get("id")
    if state.conflict is not None:
        if state.conflict.current.get("id") == rid:
            return
        state.conflict = None  # another record was picked
    shown = {f.key: st.session_state.get(form.widget(f.key), _ABSENT) for f in form.fields}
    opened = state.opened or {}
    if (
        state.ready
        and not state.reset
        and opened.get("id") == rid
        and all(v is not _ABSENT for v in shown.values())  # dropped when not drawn
        and (opened.get("version") == (record or {}).get("version") or shown != state.loaded)
    ):
        return
    values = form.to_widgets(record)
    for name, value in values.items():
        st.session_state[form.widget(name)] = value
    state.opened = dict(record) if record is not None else None
    state.loaded = {f.key: values.get(f.key) for f in form.fields}
    state.problems = None
    state.reset = False
    state.ready = True


def show_problems(table: Table, problems: Mapping[str, Sequence[str]]) -> None:
    """Validation problems per field, in the user's language, as one message."""
    lines = [
        "- " + t("forms.problem_line", field=table.column(name).label.get(lang()), message=t(m))
        for name, messages in problems.items()
        for m in messages
    ]
    st.error(t("forms.problems_title") + "\n\n" + "\n".join(lines), icon=":material/warning:")


def _options(widget_key: str, options: Sequence[Any]) -> list[Any]:
    """A choice's options, plus the current value when it is none of them (a name typed
    in the sheet), so opening the form loses nothing."""
    current = st.session_state.get(widget_key)
    extra = [current] if not is_blank(current) and current not in options else []
    return [*options, *extra]


def max_chars(form: RecordForm, f: Field) -> int:
    """How much a text field takes: its cap, or more when the record loaded into it
    already holds a longer text (typed in the sheet). Streamlit cuts a widget's value to
    its `max_chars`, so a lower cap would silently shorten that text on the next save."""
    cap = f.max_chars or limits.max_chars(form.table, f.key)
    loaded = _state(form).loaded.get(f.key)
    return max(cap, len(loaded)) if isinstance(loaded, str) else cap


def _input(form: RecordForm, f: Field) -> None:
    label = form.label(f.key) + (" *" if f.required else "")
    key = form.widget(f.key)
    help_ = t(f.help) if f.help else None
    if f.kind == "choice":
        options = _options(key, f.options)
        st.selectbox(
            label,
            options,
            format_func=f.format or str,
            key=key,
            help=help_,
            placeholder=none_label(options, f.format or str),
        )
    elif f.kind == "multi":
        st.multiselect(label, list(f.options), format_func=f.format or str, key=key, help=help_)
    elif f.kind == "date":
        st.date_input(label, key=key, help=help_, format="YYYY-MM-DD")
    elif f.kind == "check":
        st.checkbox(label, key=key, help=help_)
    elif f.kind == "textarea":
        st.text_area(label, key=key, height=68, help=help_, max_chars=max_chars(form, f))
    else:
        placeholder = t(f.placeholder) if f.placeholder else None
        st.text_input(
            label,
            key=key,
            placeholder=placeholder,
            help=help_,
            max_chars=max_chars(form, f),
            type="password" if f.kind == "password" else "default",
        )


def _fields(form: RecordForm) -> None:
    for row in form.rows:
        if len(row) == 1:
            _input(form, row[0])
            continue
        for col, f in zip(st.columns(len(row)), row, strict=True):
            with col:
                _input(form, f)


def record_form(form: RecordForm, record: Record | None = None) -> None:
    """The add form (record None) or the edit form of one record, with its conflict view.

    Nothing is written until validate passes. The widgets are never cleared on submit,
    so after a refused or failed write everything typed is still there.
    """
    _sync(form, record)
    state = _state(form)
    if state.conflict is not None:
        _conflict_view(form, state)
    with st.form(f"{form.key}_form", clear_on_submit=False, border=True):
        if state.problems:
            show_problems(form.table, state.problems)
        _fields(form)
        submitted = st.form_submit_button(
            form.submit_label, type="primary", key=f"{form.key}_submit"
        )
    if form.history and record is not None and form.save is None:
        record_history(form.table.key, record.get("id"), key=form.widget("history"))
    if not submitted:
        return
    raw = {f.key: st.session_state.get(form.widget(f.key)) for f in form.fields}
    try:
        values = form.validate(raw)
        # Only what is written must fit a cell: a long text typed in a Google sheet that
        # this edit leaves alone does not stop the edit.
        written = values if state.opened is None else changes(form.as_read(state.opened), values)
        too_long = limits.cell_problems(written)
        if too_long:
            raise ValidationError(too_long)
    except ValidationError as exc:
        state.problems = exc.problems
        st.rerun()
    state.problems = None
    if form.save is not None:
        save = form.save
        opened_record = state.opened

        def saved() -> Any:
            out = save(opened_record, values)
            _after_save(form, state)
            return out

        done = form.added(values) if opened_record is None else form.saved(values)
        try:
            write(saved, success=done)
        except ConflictError as exc:
            if opened_record is None:
                raise
            state.conflict = _Conflict(dict(exc.current), dict(written), dict(opened_record))
            st.rerun()
        return
    if state.opened is None:

        def append() -> dict:
            rec = workbook().append(form.table.key, values, person())
            _after_save(form, state)
            return rec

        write(append, success=form.added(values))
        return
    opened = state.opened
    change = written
    if not change:
        st.info(t("forms.nothing_changed"))
        return
    _update(form, state, opened, change, success=form.saved({**opened, **values}))


def _update(
    form: RecordForm, state: _State, opened: Record, change: Mapping[str, Any], success: str
) -> None:
    """Update the row if it is still the version `opened`; a conflict is kept in the
    session so the comparison survives reruns."""

    def update() -> Any:
        if form.save is not None:  # its own write path (an aid case's checks), same rules
            rec = form.save(opened, {**form.as_read(opened), **change})
        else:
            rec = workbook().update(
                form.table.key,
                str(opened["id"]),
                dict(change),
                expected_version=int(opened.get("version") or 0),
                actor=person(),
            )
        _after_save(form, state)
        return rec

    try:
        write(update, success=success)
    except ConflictError as exc:
        state.conflict = _Conflict(dict(exc.current), dict(change), dict(opened))
        st.rerun()


def _after_save(form: RecordForm, state: _State) -> None:
    """After a successful write: the next run starts the form afresh."""
    state.conflict = None
    state.reset = True
    if form.on_saved:
        form.on_saved()


def _shown(form: RecordForm, name: str, value: Any, record: Record) -> str:
    if is_blank(value):
        return "—"
    col = form.table.column(name)
    if col.enum is not None:
        return col.enum.label(str(value), lang())
    return form.show(name, value, record)


def _conflict_view(form: RecordForm, state: _State) -> None:
    """The other person's version beside the user's, and the two ways out."""
    conflict = state.conflict
    assert conflict is not None
    current, attempted = form.as_read(conflict.current), conflict.attempted
    opened = form.as_read(conflict.opened)
    mine = {**current, **attempted}
    names = [
        f.key
        for f in form.fields
        if f.key in attempted or not same(opened.get(f.key), current.get(f.key))
    ]
    with st.container(border=True, key=f"{form.key}_conflict_box"):
        st.warning(
            t("errors.conflict", expected=opened.get("version"), found=current.get("version")),
            icon=":material/warning:",
        )
        st.caption(t("forms.conflict_by", who=md_text(current.get("updated_by") or "—")))
        rows = [
            {
                t("forms.conflict_field"): form.label(name),
                t("forms.conflict_theirs"): _shown(form, name, current.get(name), current),
                t("forms.conflict_yours"): _shown(form, name, mine.get(name), mine),
            }
            for name in names
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key=f"{form.key}_cmp")
        c1, c2 = st.columns(2)
        if c1.button(t("forms.conflict_keep_mine"), type="primary", key=f"{form.key}_mine"):
            _update(form, state, current, changes(current, mine), success=form.saved(mine))
        if c2.button(t("forms.conflict_take_theirs"), key=f"{form.key}_theirs"):
            state.conflict = None
            state.reset = True
            clear_cache()  # the form reloads from the row as it is now
            st.rerun()
