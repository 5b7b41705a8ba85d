"""The payments and fund page's parts: the payments of a year (masked for whoever may
not see the case), the payment and fund-income forms (the shared record form; a payment
that would take its source below zero is refused unless marked as an advance), the
balance of each source, and the charts of the year's aid (aggregates only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from unionplan.aid import charts, fund, stats
from unionplan.aid.money import to_money
from unionplan.data import schema
from unionplan.data.values import changes, is_blank
from unionplan.errors import ValidationError
from unionplan.ui import data, derived, lang, person, t, workbook
from unionplan.ui.aid import (
    PAYMENTS,
    case_choices,
    case_units,
    case_visible,
    day,
    label,
    labeller,
    masked_rows,
    money,
    unit_names,
)
from unionplan.ui.forms import Field, RecordForm, record_form

INCOME = schema.FUND_INCOME


def year_picker(d: Any, today: dt.date) -> int:
    pays = d.df("aid_payments")
    years = {today.year}
    if not pays.empty:
        years |= {v.year for v in pays["date"] if isinstance(v, dt.date)}
    return int(st.selectbox(t("aidui.year"), sorted(years, reverse=True), key="aid_year"))


def _year_payments(d: Any, year: int) -> pd.DataFrame:
    """The payments dated in `year`, newest first."""
    pays = d.df("aid_payments")
    if not pays.empty:
        pays = pays[pays["date"].map(lambda v: isinstance(v, dt.date) and v.year == year)]
    return pays.sort_values("date", ascending=False, kind="stable") if not pays.empty else pays


def payments_table(d: Any, year: int) -> None:
    """The year's payments, newest first, with the case as the person may see it."""
    # Once per load, year, language and person: what is masked depends on who reads.
    out = derived(_payments_frame, d, year, lang(), person())
    if out is None:
        st.info(t("aidui.no_payments"))
        return
    st.dataframe(out, hide_index=True, width="stretch", key="aid_payments")


def _payments_frame(d: Any, year: int, lg: str, who: Any) -> pd.DataFrame | None:
    """The payments table as `who` (the person of this run) may read it; None for none."""
    pays = _year_payments(d, year)
    if pays.empty:
        return None
    units = case_units(d)
    names = unit_names(d)
    cases = d.df("aid_cases").set_index("id") if not d.df("aid_cases").empty else None
    rows = pays.assign(
        name=[
            cases.at[c, "name"] if cases is not None and c in cases.index else None
            for c in pays["case_id"]
        ],
        unit=[units.get(str(c)) for c in pays["case_id"]],
    )
    shown = masked_rows(d, PAYMENTS, rows, lambda r: r["unit"])
    col = lambda k: PAYMENTS.column(k).label.get(lg)  # noqa: E731 - local shorthand
    yes = lambda v: "✓" if v is True else ""  # noqa: E731
    out = pd.DataFrame(
        {
            col("date"): [day(v) for v in shown["date"]],
            col("case_id"): shown["case_id"],
            schema.AID_CASES.column("name").label.get(lg): shown["name"],
            schema.AID_CASES.column("unit").label.get(lg): [
                names.get(str(u), "") for u in shown["unit"]
            ],
            col("kind"): [label(PAYMENTS, "kind", v) for v in shown["kind"]],
            col("cash"): [money(v) for v in shown["cash"]],
            col("goods"): [("" if is_blank(v) else str(v)) for v in shown["goods"]],
            col("goods_value"): [money(v) if not is_blank(v) else "" for v in shown["goods_value"]],
            col("fund_source"): [label(PAYMENTS, "fund_source", v) for v in shown["fund_source"]],
            col("handler"): [("" if is_blank(v) else str(v)) for v in shown["handler"]],
            col("approved_by"): [("" if is_blank(v) else str(v)) for v in shown["approved_by"]],
            col("receipt_signed"): [yes(v) for v in shown["receipt_signed"]],
            col("advance"): [yes(v) for v in shown["advance"]],
            col("campaign_id"): [("" if is_blank(v) else str(v)) for v in shown["campaign_id"]],
        }
    )
    return out


# ------------------------------------------------------------------ forms


def _blank(v: Any) -> Any:
    v = v.strip() if isinstance(v, str) else v
    return None if v == "" else v


def _money_field(values: dict[str, Any], key: str, problems: dict[str, list[str]]) -> None:
    if is_blank(values.get(key)):
        values[key] = None
        return
    try:
        values[key] = to_money(values[key])
    except ValueError:
        problems.setdefault(key, []).append("aid.payment.bad_amount")


def _text(value: Any) -> str:
    return "" if is_blank(value) else str(value)


def _amount(value: Any) -> str:
    """An amount as the form shows it: "500.00", blank for none."""
    try:
        return "" if is_blank(value) else str(to_money(value))
    except ValueError:
        return str(value)  # as typed in the sheet: the check shows what is wrong


def _payment_widgets(record: Mapping[str, Any] | None) -> dict[str, Any]:
    if record is None:
        return {
            "case_id": "", "date": dt.date.today(), "kind": "", "cash": "", "goods": "",
            "goods_value": "", "fund_source": "", "handler": "", "approved_by": "",
            "receipt_signed": False, "advance": False, "notes": "",
        }  # fmt: skip
    date = record.get("date")
    return {
        "case_id": _text(record.get("case_id")),
        "date": date if isinstance(date, dt.date) else None,
        "kind": _text(record.get("kind")),
        "cash": _amount(record.get("cash")),
        "goods": _text(record.get("goods")),
        "goods_value": _amount(record.get("goods_value")),
        "fund_source": _text(record.get("fund_source")),
        "handler": _text(record.get("handler")),
        "approved_by": _text(record.get("approved_by")),
        "receipt_signed": record.get("receipt_signed") is True,
        "advance": record.get("advance") is True,
        "notes": _text(record.get("notes")),
    }


def _payment_validate(raw: dict[str, Any], record: Mapping[str, Any] | None) -> dict[str, Any]:
    """The form's values checked as the write will check them; an edit's own old amount
    is left out of the fund's ledger (it is being replaced)."""
    values = {k: _blank(v) for k, v in raw.items()}
    problems: dict[str, list[str]] = {}
    for key in ("cash", "goods_value"):
        _money_field(values, key, problems)
    values["receipt_signed"] = bool(raw.get("receipt_signed"))
    values["advance"] = bool(raw.get("advance"))
    if not problems:
        own = {"id": record["id"]} if record is not None else {}
        check = fund.check_payment(data(), {**values, **own})
        problems = dict(check.problems)
        if check.fund is not None and check.fund.refused:
            problems.setdefault("advance", []).append("aid.fund.insufficient")
    if problems:
        raise ValidationError(problems)
    return values


def _payment_save(opened: Mapping[str, Any] | None, values: dict[str, Any]) -> Any:
    if opened is None:
        return fund.add_payment(workbook(), values, actor=person())
    return fund.update_payment(
        workbook(),
        str(opened["id"]),
        changes(_payment_widgets_as_record(opened), values),
        expected_version=int(opened.get("version") or 0),
        actor=person(),
    )


def _payment_widgets_as_record(opened: Mapping[str, Any]) -> dict[str, Any]:
    """The opened record in the form's terms (blank texts as None, amounts as money), so
    that only what the person changed counts as a change."""
    rec = {k: _blank(v) if isinstance(v, str) else v for k, v in opened.items()}
    for key in ("receipt_signed", "advance"):  # a blank tick box reads as not ticked
        rec[key] = opened.get(key) is True
    return rec


def payment_form(d: Any, record: Mapping[str, Any] | None = None, key: str = "aid_pay") -> None:
    """The form to record a payment, or with `record` to correct one."""
    choices = case_choices(d)
    enum = lambda k: Field(k, "choice", options=["", *PAYMENTS.column(k).enum.codes()],  # noqa: E731
                           format=labeller(PAYMENTS, k))  # fmt: skip
    form = RecordForm(
        key=key,
        table=PAYMENTS,
        rows=[
            [
                Field(
                    "case_id",
                    "choice",
                    required=True,
                    options=["", *choices],
                    format=lambda c: choices.get(c, c) or "—",
                ),
                Field("date", "date", required=True),
            ],
            [enum("kind"), enum("fund_source")],
            [Field("cash"), Field("goods"), Field("goods_value")],
            [Field("handler"), Field("approved_by")],
            [Field("receipt_signed", "check"), Field("advance", "check")],
            [Field("notes", "textarea")],
        ],
        to_widgets=_payment_widgets,
        validate=lambda raw: _payment_validate(raw, record),
        submit_label=t("aidui.payment_add" if record is None else "aidui.payment_save"),
        added=lambda v: t("aidui.payment_added"),
        saved=lambda v: t("aidui.payment_saved"),
        save=_payment_save,
    )
    record_form(form, record)


def _payment_labels(d: Any, year: int, who: Any) -> dict[str, str]:
    """payment id -> "date · case · amount" for the year's payments `who` (the person of
    this run) may see unmasked, newest first."""
    pays = _year_payments(d, year)
    visible = case_visible(d)
    units = case_units(d)
    pays = pays[[visible(units.get(str(c))) for c in pays["case_id"]]] if not pays.empty else pays
    choices = case_choices(d)
    return {
        str(r["id"]): " · ".join(
            x
            for x in (
                day(r["date"]),
                choices.get(str(r["case_id"]), str(r["case_id"] or "")),
                _spent_text(r),
            )
            if x
        )
        for r in pays.to_dict("records")
    }


def _spent_text(payment: Mapping[str, Any]) -> str:
    try:
        return money(fund.spent(payment))
    except ValueError:  # an amount typed in the sheet that is not one
        return ""


def edit_payment(d: Any, year: int) -> None:
    """Correct one of the year's payments the aid officer may see (their units' cases):
    picked by date, case and amount, then the payment form with its values."""
    labels = derived(_payment_labels, d, year, person())
    if not labels:
        return
    st.subheader(t("aidui.payment_edit_heading"))
    none = t("aidui.payment_pick_none")
    picked = st.selectbox(
        t("aidui.payment_pick"),
        [None, *labels],
        format_func=lambda i: none if i is None else labels[i],
        key="aid_pay_pick",
        placeholder=none,
    )
    if picked:
        payment_form(d, d.record("aid_payments", picked), key=f"aid_pay_{picked}")


def _income_widgets(record: Mapping[str, Any] | None) -> dict[str, Any]:
    return {"date": dt.date.today(), "source": "", "amount": "", "handler": "", "notes": ""}


def _income_validate(raw: dict[str, Any]) -> dict[str, Any]:
    values = {k: _blank(v) for k, v in raw.items()}
    problems: dict[str, list[str]] = {}
    _money_field(values, "amount", problems)
    if values.get("amount") is None and "amount" not in problems:
        problems["amount"] = ["aid.payment.bad_amount"]
    elif values.get("amount") is not None and values["amount"] <= 0:
        problems["amount"] = ["aid.payment.negative"]
    if values.get("source") is None:
        problems["source"] = ["aid.payment.source_required"]
    if not isinstance(values.get("date"), dt.date):
        problems["date"] = ["aid.payment.date_required"]
    if problems:
        raise ValidationError(problems)
    return values


def income_form() -> None:
    form = RecordForm(
        key="aid_income",
        table=INCOME,
        rows=[
            [
                Field("date", "date", required=True),
                Field(
                    "source",
                    "choice",
                    required=True,
                    options=["", *schema.FUND_SOURCE.codes()],
                    format=labeller(INCOME, "source"),
                ),
                Field("amount", required=True),
            ],
            [Field("handler"), Field("notes")],
        ],
        to_widgets=_income_widgets,
        validate=_income_validate,
        submit_label=t("aidui.income_add"),
        added=lambda v: t("aidui.income_added"),
        saved=lambda v: t("aidui.income_added"),
    )
    record_form(form)


# ------------------------------------------------------------------ fund and charts


def _balances_now(d: Any, today: dt.date) -> dict[str, Any]:
    return fund.current_balances(d, today)


def _fund_figure(d: Any, today: dt.date, lg: str) -> Any:
    return charts.fund_balance(fund.balances(d, today), lg, as_of=today)


def balances(d: Any, today: dt.date) -> None:
    """Each source's balance now (a warning for one below zero) and over time."""
    now = derived(_balances_now, d, today)
    st.subheader(t("aidui.balance_now"))
    if not now:
        st.caption(t("aidui.no_income"))
        return
    cols = st.columns(min(len(now), 4))
    for i, (source, balance) in enumerate(now.items()):
        name = label(INCOME, "source", source) or "—"
        cols[i % len(cols)].metric(name, money(balance))
        if balance < 0:
            st.warning(t("aidui.balance_negative", source=name, balance=money(balance)))
    fig = derived(_fund_figure, d, today, lang())
    st.plotly_chart(fig, width="stretch", key="aid_chart_fund")


def _year_figures(d: Any, year: int, lg: str) -> tuple[Any, Any, Any, Any]:
    """The year's aid in figures: (people helped, and the three charts), once per load."""
    return (
        stats.people_helped(d, year),
        charts.paid_by_kind_quarter(stats.paid_by_kind_quarter(d, year), lg),
        charts.paid_by_cause(stats.paid_by_cause(d, year), lg),
        charts.people_helped(stats.helped_by_quarter(d, year), lg),
    )


def year_charts(d: Any, year: int) -> None:
    """The year's aid in figures and charts: aggregates only, for everyone."""
    helped, by_kind, by_cause, people = derived(_year_figures, d, year, lang())
    st.caption(
        t("aidui.helped", year=year, persons=helped.persons, times=helped.person_times,
          total=money(helped.total))
    )  # fmt: skip
    st.plotly_chart(by_kind, width="stretch", key="aid_chart_kind")
    c1, c2 = st.columns(2)
    with c1:
        st.plotly_chart(by_cause, width="stretch", key="aid_chart_cause")
    with c2:
        st.plotly_chart(people, width="stretch", key="aid_chart_people")
