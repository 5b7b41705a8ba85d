"""The campaigns page's parts: plan a campaign (kind, cases by filters, one amount or
per-case amounts), review the list and the total, write every payment in one operation,
and download the sign-off sheet; the campaigns written so far, as figures.

The plan lives in the session (`PLAN_KEY`) with its payment ids fixed, so a second click
on "pay" (or a retry after a lost answer) writes nothing twice: `write_campaign` finds
the ids already there. The sheet holds names: only aid officers are offered it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from unionplan.aid import campaigns, signoff
from unionplan.aid import status as sts
from unionplan.aid.cases import CaseFilter
from unionplan.aid.money import money_sum, to_money
from unionplan.data import schema
from unionplan.data.tables import WorkbookData
from unionplan.data.values import is_blank
from unionplan.errors import ValidationError
from unionplan.ops.backup import XLSX_MIME
from unionplan.ui import lang, person, t, workbook
from unionplan.ui.aid import (
    PAYMENTS,
    case_visible,
    day,
    label,
    labeller,
    masked_rows,
    money,
    unit_names,
)
from unionplan.ui.aid_cases import submit
from unionplan.ui.forms import show_problems

PLAN_KEY = "aid_campaign_plan"  # (CampaignPlan, the parameters it was made with)
DONE_KEY = "aid_campaign_done"  # the id of the campaign this session last wrote


def written(d: WorkbookData) -> pd.DataFrame:
    """The campaigns written: id, kind, date, payments, total (figures only)."""
    pays = d.df("aid_payments")
    if pays.empty:
        return pd.DataFrame()
    pays = pays[~pays["campaign_id"].map(is_blank)]
    rows = [
        {
            "campaign_id": cid,
            "kind": part["kind"].iloc[0],
            "date": part["date"].iloc[0],
            "n": len(part),
            "total": money_sum([*part["cash"], *part["goods_value"]]),
        }
        for cid, part in pays.groupby("campaign_id", sort=False)
    ]
    out = pd.DataFrame(rows)
    return out.sort_values("date", ascending=False, kind="stable") if not out.empty else out


def written_table(d: WorkbookData) -> None:
    done = written(d)
    if done.empty:
        st.caption(t("aidui.no_campaigns"))
        return
    col = lambda k: PAYMENTS.column(k).label.get(lang())  # noqa: E731 - local shorthand
    st.dataframe(
        pd.DataFrame(
            {
                col("campaign_id"): done["campaign_id"],
                col("kind"): [label(PAYMENTS, "kind", k) for k in done["kind"]],
                col("date"): [day(v) for v in done["date"]],
                t("aidui.col_n"): done["n"],
                t("aidui.amount"): [money(v) for v in done["total"]],
            }
        ),
        hide_index=True,
        width="stretch",
        key="aid_campaigns",
    )


def signoff_download(d: WorkbookData, campaign_id: str, key: str) -> None:
    """The sign-off sheet of a written campaign (names: aid officers only)."""
    rows = campaigns.campaign_rows(d, campaign_id)
    visible = case_visible(d)  # a scoped officer's sheet: the families of their units only
    rows = rows[[visible(u) for u in rows["unit"]]] if not rows.empty else rows
    if rows.empty:
        return
    kind = str(rows["kind"].iloc[0])
    pays = d.df("aid_payments")
    dates = pays.loc[pays["campaign_id"] == campaign_id, "date"]
    date = next((v for v in dates if isinstance(v, dt.date)), dt.date.today())
    lg = lang()

    def build() -> bytes:
        return signoff.signoff_sheet(
            d, rows, kind=kind, date=date, campaign_id=campaign_id, lang=lg
        )

    st.download_button(
        t("aidui.campaign_signoff"),
        build,
        file_name=f"{t('aid.signoff.title')}-{campaign_id}.xlsx",
        mime=XLSX_MIME,
        on_click="ignore",
        icon=":material/download:",
        help=t("aidui.campaign_signoff_help"),
        key=key,
    )


def past_signoff(d: WorkbookData) -> None:
    done = written(d)
    if done.empty:
        return
    picked = st.selectbox(t("aidui.campaign_pick"), list(done["campaign_id"]), key="aid_past")
    if picked:
        signoff_download(d, str(picked), "aid_past_signoff")


# ------------------------------------------------------------------ planning


def plan_form(d: WorkbookData) -> None:
    """What to pay and to whom; "make the list" keeps the plan in the session."""
    names = unit_names(d)
    with st.form("aid_campaign_form", border=True):
        c1, c2, c3 = st.columns(3)
        kind = c1.selectbox(
            t("aidui.campaign_kind"),
            schema.AID_KIND.codes(),
            format_func=labeller(PAYMENTS, "kind"),
            key="aid_k_kind",
        )
        date = c2.date_input(t("aidui.campaign_date"), dt.date.today(), key="aid_k_date")
        source = c3.selectbox(
            PAYMENTS.column("fund_source").label.get(lang()),
            schema.FUND_SOURCE.codes(),
            format_func=labeller(PAYMENTS, "fund_source"),
            key="aid_k_source",
        )
        f1, f2, f3, f4 = st.columns(4)
        cases = schema.AID_CASES
        statuses = f1.multiselect(
            cases.column("status").label.get(lang()),
            schema.CASE_STATUS.codes(),
            default=list(sts.ON_FILE),
            format_func=labeller(cases, "status"),
            placeholder=t("aidui.any"),
            key="aid_k_status",
        )
        levels = f2.multiselect(
            cases.column("level").label.get(lang()),
            schema.HARDSHIP_LEVEL.codes(),
            format_func=labeller(cases, "level"),
            placeholder=t("aidui.any"),
            key="aid_k_level",
        )
        units = f3.multiselect(
            cases.column("unit").label.get(lang()),
            list(names),
            format_func=lambda u: names.get(u, u),
            placeholder=t("aidui.any"),
            key="aid_k_unit",
        )
        causes = f4.multiselect(
            cases.column("causes").label.get(lang()),
            schema.HARDSHIP_CAUSE.codes(),
            format_func=labeller(cases, "causes"),
            placeholder=t("aidui.any"),
            key="aid_k_cause",
        )
        a1, a2, a3 = st.columns(3)
        amount = a1.text_input(t("aidui.campaign_amount"), key="aid_k_amount", max_chars=20)
        goods = a2.text_input(t("aidui.campaign_goods"), key="aid_k_goods", max_chars=200)
        goods_value = a3.text_input(t("aidui.campaign_goods_value"), key="aid_k_gv", max_chars=20)
        h1, h2 = st.columns(2)
        handler = h1.text_input(
            PAYMENTS.column("handler").label.get(lang()), key="aid_k_handler", max_chars=50
        )
        approved = h2.text_input(
            PAYMENTS.column("approved_by").label.get(lang()), key="aid_k_approved", max_chars=50
        )
        skip_paid = st.checkbox(t("aidui.campaign_skip_paid"), key="aid_k_skip")
        advance = st.checkbox(t("aidui.campaign_advance"), key="aid_k_advance")
        go = st.form_submit_button(t("aidui.campaign_plan"), type="primary")
    if not go:
        return
    params: dict[str, Any] = {
        "kind": kind,
        "date": date,
        "fund_source": source,
        "goods": goods.strip(),
        "goods_value": goods_value.strip() or None,
        "handler": handler.strip(),
        "approved_by": approved.strip(),
        "advance": advance,
        "skip_paid": skip_paid,
        "filters": CaseFilter(tuple(statuses), tuple(levels), tuple(units), tuple(causes)),
        "amount": amount.strip() or None,
    }
    try:
        plan = campaigns.plan_campaign(d, **params)
    except ValidationError as exc:
        show_problems(PAYMENTS, exc.problems)
        return
    except ValueError:
        show_problems(PAYMENTS, {"cash": ["aid.payment.bad_amount"]})
        return
    st.session_state[PLAN_KEY] = (plan, params)
    st.session_state.pop(DONE_KEY, None)


def review(d: WorkbookData) -> None:
    """The plan's list with per-case amounts to adjust, the total, and the one write."""
    held = st.session_state.get(PLAN_KEY)
    if held is None:
        return
    plan, params = held
    lg = lang()
    for n in plan.notices:
        st.warning(n.text(lg), icon=":material/info:")
    names = unit_names(d)
    shown = masked_rows(d, schema.AID_CASES, plan.review, lambda r: r["unit"])
    cash_col = t("aidui.campaign_cash_col")
    table = pd.DataFrame(
        {
            "ID": shown["case_id"],
            schema.AID_CASES.column("name").label.get(lg): shown["name"],
            schema.AID_CASES.column("unit").label.get(lg): [
                names.get(str(u), "") for u in shown["unit"]
            ],
            schema.AID_CASES.column("level").label.get(lg): [
                label(schema.AID_CASES, "level", v) for v in shown["level"]
            ],
            cash_col: [float(v) for v in plan.review["cash"]],
        }
    )
    edited = st.data_editor(
        table,
        hide_index=True,
        width="stretch",
        disabled=[c for c in table.columns if c != cash_col],
        column_config={
            cash_col: st.column_config.NumberColumn(min_value=0, step=0.01, format="%.2f")
        },
        key=f"aid_plan_{plan.campaign_id}",
    )
    amounts = {cid: to_money(v) for cid, v in zip(edited["ID"], edited[cash_col], strict=True)}
    if any(amounts[r["case_id"]] != to_money(r["cash"]) for r in plan.rows):
        # Per-case amounts changed: the same campaign re-planned (same campaign id).
        plan = campaigns.plan_campaign(
            d,
            **{**params, "filters": CaseFilter()},
            case_ids=list(amounts),
            amounts=amounts,
            campaign_id=plan.campaign_id,
        )
        st.session_state[PLAN_KEY] = (plan, params)
    total = t(
        "aidui.campaign_review",
        n=len(plan.rows),
        cash=money(plan.total_cash),
        goods=money(plan.total_goods),
        total=money(plan.total),
    )
    st.info(total, icon=":material/fact_check:")
    if plan.blocked:
        st.error(t("aidui.campaign_blocked"), icon=":material/error:")
    c1, c2 = st.columns(2)
    pay = c1.button(
        t("aidui.campaign_write", n=len(plan.rows)),
        type="primary",
        disabled=plan.blocked,
        key="aid_campaign_pay",
    )
    if c2.button(t("aidui.campaign_new"), key="aid_campaign_new"):
        st.session_state.pop(PLAN_KEY, None)
        st.rerun()
    if pay:
        result: list[campaigns.CampaignResult] = []

        def write() -> None:
            result.append(campaigns.write_campaign(workbook(), plan, person()))
            st.session_state[DONE_KEY] = plan.campaign_id

        def message() -> str:
            r = result[0] if result else None
            if r is not None and r.written == 0:
                return t("aidui.campaign_already", campaign=plan.campaign_id)
            return t("aidui.campaign_written", n=len(plan.rows), campaign=plan.campaign_id)

        submit(write, PAYMENTS, message)


def last_written(d: WorkbookData) -> None:
    """After this session's write: the sign-off sheet of that campaign."""
    done = st.session_state.get(DONE_KEY)
    if done:
        signoff_download(d, str(done), "aid_signoff")
