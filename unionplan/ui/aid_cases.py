"""The forms of the cases page: add or edit a case (the shared record form, with the
duplicate override), change a case's status (only the moves allowed from where it is,
with a reason), record a visit or a note, and the case's history.

Shown only to aid officers (`aid.keeper`); the workbook layer checks every write again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from unionplan.aid import cases as aid_cases
from unionplan.aid import lifecycle
from unionplan.aid import status as sts
from unionplan.aid.fund import OverdrawError
from unionplan.aid.money import to_money
from unionplan.data import schema
from unionplan.data.tables import WorkbookData
from unionplan.data.values import changes, is_blank
from unionplan.errors import ConflictError, UnionplanError, ValidationError
from unionplan.ui import (
    clear_cache,
    flash,
    lang,
    md_text,
    person,
    queue_notice,
    show_error,
    t,
    workbook,
)
from unionplan.ui.aid import CASES, case_choices, day, label, labeller, money, unit_names
from unionplan.ui.forms import Field, RecordForm, record_form, show_problems
from unionplan.ui.history import case_history

# "File anyway", per form ("<form key>:override"): offered once a duplicate was found.
OVERRIDE = "override"
_DUPLICATE_SEEN = "_duplicate_seen"


def _override(form_key: str) -> bool:
    return bool(st.session_state.get(f"{form_key}:{OVERRIDE}"))


EVENTS = schema.AID_EVENTS


def submit(fn: Callable[[], Any], table: schema.Table, success: str | Callable[[], str]) -> None:
    """Run a write of the aid pages; on success clear the cache, flash the message (or
    what `success()` says once the write is done) and rerun; on a refusal show why, in
    the reader's language, keeping the input."""
    try:
        with queue_notice():
            fn()
    except aid_cases.DuplicateCaseError as exc:
        show_error(exc)
        return
    except OverdrawError as exc:
        texts = [n.text(lang()) for n in exc.notices] or [t(exc.key)]
        st.error("\n\n".join(md_text(x) for x in texts), icon=":material/error:")
        return
    except ValidationError as exc:
        show_problems(table, exc.problems)
        return
    except ConflictError as exc:
        st.error(t("errors.conflict", expected=exc.expected_version, found=exc.current_version))
        return
    except UnionplanError as exc:
        show_error(exc)
        return
    clear_cache()
    flash(success() if callable(success) else success)
    st.rerun()


# ------------------------------------------------------------------ add / edit


def _text(value: Any) -> str:
    return "" if is_blank(value) else str(value)


def _to_widgets(record: Mapping[str, Any] | None) -> dict[str, Any]:
    r = record or {}
    return {
        "name": _text(r.get("name")),
        "gender": r.get("gender") if not is_blank(r.get("gender")) else "",
        "id_kind": r.get("id_kind") if not is_blank(r.get("id_kind")) else "",
        "id_number": _text(r.get("id_number")),
        "phone": _text(r.get("phone")),
        "address": _text(r.get("address")),
        "unit": r.get("unit") if not is_blank(r.get("unit")) else "",
        "causes": list(r.get("causes") or []),
        "level": r.get("level") if not is_blank(r.get("level")) else "",
        "status": r.get("status") or sts.APPLICATION,
        "family_size": _text(r.get("family_size")),
        "monthly_income": "" if is_blank(r.get("monthly_income")) else str(r["monthly_income"]),
        "situation": _text(r.get("situation")),
        "paired_cadre": _text(r.get("paired_cadre")),
        "review_date": r.get("review_date") if isinstance(r.get("review_date"), dt.date) else None,
        "notes": _text(r.get("notes")),
    }


def _validate(raw: dict[str, Any], record: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The form's values checked as a case; when editing `record`, a field the person left
    as the sheet has it is not held against them (a hand-typed ID number that fails its
    check digit must not block a change of address), as `aid.cases.update_case` rules."""
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in raw.items()}
    values = {k: (None if v == "" else v) for k, v in values.items()}
    values["causes"] = list(values.get("causes") or [])
    check = aid_cases.check_case(values)
    untouched = {
        k
        for k in check.problems
        if record is not None and str(values.get(k) or "") == str(record.get(k) or "").strip()
    }
    problems = {k: v for k, v in check.problems.items() if k not in untouched}
    if problems:
        raise ValidationError(problems)
    out = check.values
    out.update({k: record.get(k) for k in untouched if record is not None})
    if not is_blank(out.get("family_size")):
        out["family_size"] = int(str(out["family_size"]))
    if not is_blank(out.get("monthly_income")):
        out["monthly_income"] = to_money(out["monthly_income"])
    return out


def _save(opened: Mapping[str, Any] | None, values: dict[str, Any], form_key: str) -> Any:
    override = _override(form_key)
    try:
        if opened is None:
            return aid_cases.add_case(workbook(), values, actor=person(), override=override)
        values = {k: v for k, v in values.items() if k != "status"}
        return aid_cases.update_case(
            workbook(),
            str(opened["id"]),
            changes(opened, values),
            expected_version=int(opened.get("version") or 0),
            actor=person(),
            override=override,
        )
    except aid_cases.DuplicateCaseError:
        st.session_state[f"{form_key}:{_DUPLICATE_SEEN}"] = True
        raise


def case_form(d: WorkbookData, record: Mapping[str, Any] | None, key: str) -> RecordForm:
    names = unit_names(d)
    choice = lambda k: Field(k, "choice", options=["", *CASES.column(k).enum.codes()],  # noqa: E731
                             format=labeller(CASES, k))  # fmt: skip
    first = [Field("name", required=True), choice("gender"), Field("phone")]
    ident = [choice("id_kind"), Field("id_number", placeholder="aidui.id_placeholder")]
    where = [
        Field("unit", "choice", options=["", *names], format=lambda u: names.get(u, u) or "—"),
        choice("level"),
    ]
    if record is None:
        where.append(
            Field("status", "choice", options=list(sts.INITIAL), format=labeller(CASES, "status"))
        )
    rows = [
        first,
        ident,
        where,
        [
            Field(
                "causes",
                "multi",
                options=schema.HARDSHIP_CAUSE.codes(),
                format=labeller(CASES, "causes"),
            )
        ],
        [
            Field("family_size"),
            Field("monthly_income"),
            Field("paired_cadre"),
            Field("review_date", "date"),
        ],
        [Field("address")],
        [Field("situation", "textarea")],
        [Field("notes", "textarea")],
    ]
    return RecordForm(
        key=key,
        table=CASES,
        rows=rows,
        to_widgets=_to_widgets,
        validate=lambda raw: _validate(raw, record),
        submit_label=t("aidui.case_add" if record is None else "aidui.case_save"),
        added=lambda v: t("aidui.case_added"),
        saved=lambda v: t("aidui.case_saved"),
        save=lambda opened, values: _save(opened, values, key),
    )


def override_box(form_key: str) -> None:
    """The explicit "file anyway" of a form, offered once it refused a duplicate."""
    if st.session_state.get(f"{form_key}:{_DUPLICATE_SEEN}") or _override(form_key):
        st.checkbox(
            t("aidui.override"), key=f"{form_key}:{OVERRIDE}", help=t("aidui.override_help")
        )


def add_case(d: WorkbookData) -> None:
    record_form(case_form(d, None, "aid_add"))
    override_box("aid_add")


# ------------------------------------------------------------------ one case


def pick_case(d: WorkbookData, ids: list[str]) -> dict[str, Any] | None:
    """The case to work on, picked among `ids` (the register's order)."""
    if not ids:
        st.caption(t("aidui.no_cases"))
        return None
    choices = case_choices(d, ids)
    picked = st.selectbox(
        t("aidui.pick_case"), ids, format_func=lambda i: choices.get(i, i), key="aid_case"
    )
    return d.record("aid_cases", picked) if picked else None


def edit_case(d: WorkbookData, case: Mapping[str, Any]) -> None:
    key = f"aid_edit_{case['id']}"
    record_form(case_form(d, case, key), case)
    override_box(key)


def status_form(case: Mapping[str, Any]) -> None:
    """Move the case on: only the statuses allowed from where it is, with a reason."""
    current = case.get("status")
    options = list(sts.next_statuses(current))
    st.caption(t("aidui.status_now", status=label(CASES, "status", current) or "—"))
    if not options:
        st.caption(t("aidui.status_final"))
        return
    key = f"aid_status_{case['id']}"
    with st.form(key, border=True):
        to = st.selectbox(
            EVENTS.column("to_status").label.get(lang()),
            options,
            format_func=labeller(CASES, "status"),
            key=f"{key}:to",
        )
        reason = st.text_area(
            t("aidui.reason") + " *", key=f"{key}:reason", max_chars=lifecycle.MAX_DETAILS
        )
        c1, c2 = st.columns(2)
        when = c1.date_input(t("aidui.date"), dt.date.today(), key=f"{key}:date")
        review = c2.date_input(
            CASES.column("review_date").label.get(lang()), None, key=f"{key}:review"
        )
        go = st.form_submit_button(t("aidui.status_submit"), type="primary")
    if go:
        submit(
            lambda: lifecycle.change_status(
                workbook(), str(case["id"]), to, reason=reason, actor=person(),
                expected_version=int(case.get("version") or 0), date=when,
                review_date=review, override=_override(f"aid_edit_{case['id']}"),
            ),
            EVENTS,
            t("aidui.status_done", status=label(CASES, "status", to)),
        )  # fmt: skip


def visit_form(case: Mapping[str, Any]) -> None:
    """A visit (走访) or a note on the case, with an optional next review date."""
    key = f"aid_visit_{case['id']}"
    with st.form(key, border=True):
        kind = st.radio(
            EVENTS.column("kind").label.get(lang()),
            [sts.VISIT, sts.NOTE],
            format_func=labeller(EVENTS, "kind"),
            horizontal=True,
            key=f"{key}:kind",
        )
        details = st.text_area(
            EVENTS.column("details").label.get(lang()) + " *",
            key=f"{key}:details",
            max_chars=lifecycle.MAX_DETAILS,
        )
        c1, c2 = st.columns(2)
        when = c1.date_input(t("aidui.date"), dt.date.today(), key=f"{key}:date")
        review = c2.date_input(
            CASES.column("review_date").label.get(lang()), None, key=f"{key}:review"
        )
        go = st.form_submit_button(t("aidui.visit_submit"), type="primary")
    if go:
        with_review = review is not None
        submit(
            lambda: lifecycle.record_visit(
                workbook(), str(case["id"]), details, actor=person(), date=when, kind=kind,
                review_date=review,
                expected_version=int(case.get("version") or 0) if with_review else None,
            ),
            EVENTS,
            t("aidui.visit_done"),
        )  # fmt: skip


def history_table(d: WorkbookData, case: Mapping[str, Any]) -> None:
    """The case's own history (status changes, visits, notes, payments), oldest first,
    and the audit log's changes of it. Only an aid officer who may see the case gets here."""
    rows = lifecycle.case_history(d, str(case["id"]))
    if rows.empty:
        st.caption(t("aidui.no_history"))
    else:
        col = lambda k: EVENTS.column(k).label.get(lang())  # noqa: E731 - local shorthand
        kind = [
            label(schema.AID_PAYMENTS, "kind", p) if k == "payment" else label(EVENTS, "kind", k)
            for k, p in zip(rows["kind"], rows["payment_kind"], strict=True)
        ]
        out = pd.DataFrame(
            {
                col("date"): [day(v) for v in rows["date"]],
                col("kind"): kind,
                col("from_status"): [label(CASES, "status", v) for v in rows["from_status"]],
                col("to_status"): [label(CASES, "status", v) for v in rows["to_status"]],
                t("aidui.amount"): [
                    money(to_money(c) + to_money(g)) if k == "payment" else ""
                    for k, c, g in zip(
                        rows["kind"],
                        rows["cash"],
                        rows["goods_value"],
                        strict=True,
                    )
                ],
                col("details"): [_text(v) for v in rows["details"]],
                col("by"): [_text(v) for v in rows["by"]],
            }
        )
        st.dataframe(out, hide_index=True, width="stretch", key=f"aid_hist_{case['id']}")
    case_history(case["id"], key=f"aid_changes_{case['id']}")
