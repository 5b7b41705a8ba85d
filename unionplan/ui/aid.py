"""The 帮扶 pages' shared parts: who keeps the files, masking every row for the signed-in
person, labels, and the register of cases with its filters.

Personal fields leave this module unmasked only for an aid officer who may see that
case (`access.can_see_personal`); everyone else gets `privacy.mask_record` of the row,
so no raw value reaches a widget, a table cell or an option list. Aggregates (counts,
sums) carry nothing personal and are shown to everyone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
import streamlit as st

from unionplan.aid import reviews
from unionplan.aid import status as sts
from unionplan.aid.cases import unit_subtree
from unionplan.aid.money import money_text, to_money
from unionplan.data import access, privacy, schema
from unionplan.data.tables import WorkbookData, unit_tree
from unionplan.data.values import is_blank
from unionplan.ui import lang, person, t

CASES = schema.AID_CASES
METRIC_WIDTH = 100  # px: three counts and two gaps fit a phone's 358 px
PAYMENTS = schema.AID_PAYMENTS


def keeper() -> bool:
    """Whether the signed-in person keeps hardship files (the aid role): only they get the
    forms, which must show a case's real values to be edited."""
    return person().has(access.AID)


def read_only_note() -> None:
    st.caption(t("aidui.read_only"))


# ------------------------------------------------------------------ labels


def label(table: schema.Table, key: str, code: Any) -> str:
    """An enum code of a column in the reader's language ("" for a blank)."""
    if is_blank(code):
        return ""
    enum = table.column(key).enum
    return enum.label(str(code), lang()) if enum is not None else str(code)


def labeller(table: schema.Table, key: str) -> Callable[[Any], str]:
    """A widget's format_func for a column's codes. The language is bound now: AppTest
    (and Streamlit itself) may call it outside the script run, with no session at hand."""
    enum, lg = table.column(key).enum, lang()

    def fmt(code: Any) -> str:
        if is_blank(code):
            return "—"
        return enum.label(str(code), lg) if enum is not None else str(code)

    return fmt


def unit_names(d: WorkbookData) -> dict[str, str]:
    units = d.df("units")
    if units.empty:
        return {}
    return {str(i): str(n) for i, n in zip(units["id"], units["name"], strict=True)}


def day(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else ""


def money(value: Any) -> str:
    return money_text(to_money(value), lang())


# ------------------------------------------------------------------ masking


def case_visible(d: WorkbookData) -> Callable[[Any], bool]:
    """case unit -> whether the signed-in person may see that case's personal data."""
    who = person()
    if access.can_see_all_personal(who):
        return lambda unit: True
    if not who.has(access.AID):
        return lambda unit: False
    units = unit_tree(d)
    return lambda unit: access.can_see_personal(who, unit, units)


def masked_rows(
    d: WorkbookData, table: schema.Table, rows: pd.DataFrame, unit_of: Callable[[Any], Any]
) -> pd.DataFrame:
    """`rows` (with the table's column keys) masked where the person may not see the case
    `unit_of(row)` belongs to. `name` is masked as a name in every table."""
    if rows.empty:
        return rows
    visible = case_visible(d)
    keys = set(privacy.sensitive_keys(table)) | {"name"}
    out: list[dict[str, Any]] = []
    for rec in rows.to_dict("records"):
        if visible(unit_of(rec)):
            out.append(rec)
        else:
            out.append({k: (privacy.mask(k, v) if k in keys else v) for k, v in rec.items()})
    return pd.DataFrame(out, columns=rows.columns, index=rows.index)


def case_units(d: WorkbookData) -> dict[str, Any]:
    cases = d.df("aid_cases")
    if cases.empty:
        return {}
    return dict(zip(cases["id"].astype(str), cases["unit"], strict=True))


def case_choices(d: WorkbookData, ids: Iterable[str] | None = None) -> dict[str, str]:
    """case id -> "C-… · name · unit" as the person may see it (for option lists)."""
    cases = d.df("aid_cases")
    if cases.empty:
        return {}
    if ids is not None:
        cases = cases[cases["id"].isin(list(ids))]
    shown = masked_rows(d, CASES, cases[["id", "name", "unit"]], lambda r: r["unit"])
    names = unit_names(d)
    return {
        str(r["id"]): " · ".join(
            x for x in (str(r["id"]), str(r["name"] or ""), names.get(str(r["unit"]), "")) if x
        )
        for r in shown.to_dict("records")
    }


# ------------------------------------------------------------------ the register

FILTER_KEYS = ("aid_f_status", "aid_f_level", "aid_f_unit", "aid_f_cause", "aid_f_paired")


def register_filters(d: WorkbookData) -> dict[str, Any]:
    """The register's filters (status, level, unit, cause, paired or not)."""
    names = unit_names(d)
    c1, c2, c3, c4, c5 = st.columns(5)
    statuses = c1.multiselect(
        CASES.column("status").label.get(lang()),
        schema.CASE_STATUS.codes(),
        format_func=labeller(CASES, "status"),
        placeholder=t("aidui.any"),
        key=FILTER_KEYS[0],
    )
    levels = c2.multiselect(
        CASES.column("level").label.get(lang()),
        schema.HARDSHIP_LEVEL.codes(),
        format_func=labeller(CASES, "level"),
        placeholder=t("aidui.any"),
        key=FILTER_KEYS[1],
    )
    units = c3.multiselect(
        CASES.column("unit").label.get(lang()),
        list(names),
        format_func=lambda u: names.get(u, u),
        placeholder=t("aidui.any"),
        key=FILTER_KEYS[2],
    )
    causes = c4.multiselect(
        CASES.column("causes").label.get(lang()),
        schema.HARDSHIP_CAUSE.codes(),
        format_func=labeller(CASES, "causes"),
        placeholder=t("aidui.any"),
        key=FILTER_KEYS[3],
    )
    paired = c5.selectbox(
        t("aidui.filter_paired"),
        ["all", "paired", "unpaired"],
        format_func={v: t(f"aidui.paired_{v}") for v in ("all", "paired", "unpaired")}.get,
        key=FILTER_KEYS[4],
    )
    return {"statuses": statuses, "levels": levels, "units": units, "causes": causes,
            "paired": paired}  # fmt: skip


def register(d: WorkbookData, today: dt.date, f: dict[str, Any]) -> pd.DataFrame:
    """The register (due and overdue reviews first) after the filters, with the case's
    causes; still keyed by the schema's column names and unmasked."""
    reg = reviews.case_register(d, today)
    if reg.empty:
        return reg
    cases = d.df("aid_cases").set_index("id")
    reg["causes"] = reg["id"].map(lambda i: cases.at[i, "causes"] if i in cases.index else None)
    keep = pd.Series(True, index=reg.index)
    if f["statuses"]:
        keep &= reg["status"].isin(f["statuses"])
    if f["levels"]:
        keep &= reg["level"].isin(f["levels"])
    if f["units"]:
        keep &= reg["unit"].isin(unit_subtree(d, f["units"]))
    if f["causes"]:
        wanted = set(f["causes"])
        keep &= reg["causes"].map(lambda cs: isinstance(cs, list) and bool(wanted & set(cs)))
    if f["paired"] != "all":
        blank = reg["paired_cadre"].map(is_blank)
        keep &= blank if f["paired"] == "unpaired" else ~blank
    return reg[keep]


_COUNTED = ("overdue", "due")  # review states that say how many days


def register_table(d: WorkbookData, reg: pd.DataFrame) -> None:
    """The register as the person may see it, headers in their language."""
    shown = masked_rows(d, CASES, reg, lambda r: r["unit"])
    names = unit_names(d)
    col = lambda k: CASES.column(k).label.get(lang())  # noqa: E731 - local shorthand
    out = pd.DataFrame(
        {
            t("aidui.col_review"): [
                t(f"aid.review.{s}")
                + (" · " + t("aidui.days", n=abs(int(n))) if s in _COUNTED and pd.notna(n) else "")
                for s, n in zip(shown["review"], shown["days_left"], strict=True)
            ],
            "ID": shown["id"],
            col("name"): shown["name"],
            col("unit"): [names.get(str(u), "" if is_blank(u) else str(u)) for u in shown["unit"]],
            col("level"): [label(CASES, "level", v) for v in shown["level"]],
            col("status"): [label(CASES, "status", v) for v in shown["status"]],
            col("paired_cadre"): [
                t("aid.review.unpaired") if unpaired else ("" if is_blank(c) else str(c))
                for c, unpaired in zip(shown["paired_cadre"], shown["unpaired"], strict=True)
            ],
            col("review_date"): [day(v) for v in shown["review_date"]],
        }
    )
    st.dataframe(out, hide_index=True, width="stretch", key="aid_register")


def review_metrics(d: WorkbookData, today: dt.date) -> None:
    """Counts everyone may see: cases on file, reviews due, cases without a cadre."""
    cases = d.df("aid_cases")
    on_file = 0 if cases.empty else int(cases["status"].isin(sts.ON_FILE).sum())
    with st.container(horizontal=True):  # side by side on a phone as well
        for key, value in (
            ("aidui.metric_on_file", on_file),
            ("aidui.metric_due", reviews.due_count(d, today)),
            ("aidui.metric_unpaired", len(reviews.unpaired_cases(d))),
        ):
            st.metric(t(key), value, border=True, width=METRIC_WIDTH)


def pairing_table(d: WorkbookData) -> None:
    """结对帮扶: each cadre with the cases paired with them (ids, names as the person may
    see them), cases without a cadre flagged under their own line."""
    pairs = reviews.pairings(d)
    if pairs.empty:
        st.caption(t("aidui.no_cases"))
        return
    choices = case_choices(d)
    col = CASES.column("paired_cadre").label.get(lang())
    out = pd.DataFrame(
        {
            col: [c or t("aid.review.unpaired") for c in pairs["paired_cadre"]],
            t("aidui.col_cases"): [
                "；".join(choices.get(i, i) for i in ids) for ids in pairs["case_ids"]
            ],
            t("aidui.col_n"): pairs["cases"],
        }
    )
    st.dataframe(out, hide_index=True, width="stretch", key="aid_pairings")
