"""Plotly figures of the aid work: paid by kind and quarter, by cause, people helped per
quarter, and each fund source's balance over time. Plain plotly, no Streamlit.

They draw the aggregates of `unionplan.aid.stats` and `fund.balances` only, so no name or
other personal value can reach a hover text. Styling is the targets charts' (fonts with
CJK faces, legend below, small margins for phones, Okabe–Ito colours, patterns as a
second cue); amounts become floats only here, to be drawn.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go

from unionplan import i18n
from unionplan.data.schema import AID_KIND, FUND_SOURCE, HARDSHIP_CAUSE
from unionplan.goals.charts import ROW_HEIGHT, _style, wrap

# Okabe & Ito (2008) for the series, in a fixed order so a kind keeps its colour.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
PATTERNS = ("", "/", ".", "x", "-", "\\", "+", "|")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
NEGATIVE = "#D55E00"


def _f(value: object) -> float:
    return float(value) if isinstance(value, (Decimal, int, float)) else 0.0


def _label(enum_label: str, code: str, lang: str) -> str:
    return enum_label if code else i18n.t("aid.stats.not_filled", lang)


def paid_by_kind_quarter(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Stacked bars per quarter, one colour and pattern per kind of aid."""
    quarters = [i18n.fmt_quarter(q, lang) for q in (1, 2, 3, 4)]
    fig = go.Figure()
    kinds = list(dict.fromkeys(frame["kind"])) if not frame.empty else []
    for n, kind in enumerate(kinds):
        part = frame[frame["kind"] == kind].set_index("quarter")
        y = [_f(part["total"].get(q)) if q in part.index else 0.0 for q in (1, 2, 3, 4)]
        times = [int(part["payments"].get(q, 0)) if q in part.index else 0 for q in (1, 2, 3, 4)]
        name = _label(AID_KIND.label(kind, lang), kind, lang)
        fig.add_bar(
            name=name,
            x=quarters,
            y=y,
            marker={
                "color": PALETTE[n % len(PALETTE)],
                "pattern": {"shape": PATTERNS[n % len(PATTERNS)], "fillmode": "overlay"},
            },
            customdata=times,
            hovertemplate="%{x}: ¥%{y:,.2f} · %{customdata}"
            + i18n.t("aid.stats.times_unit", lang)
            + "<extra>"
            + name
            + "</extra>",
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(tickprefix="¥", separatethousands=True, rangemode="tozero")
    return _style(fig, lang, i18n.t("aid.stats.chart_kind_quarter", lang), 380)


def paid_by_cause(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Horizontal bars: what was paid under each main cause of hardship."""
    labels = [wrap(_label(HARDSHIP_CAUSE.label(c, lang), c, lang)) for c in frame["cause"]]
    fig = go.Figure()
    fig.add_bar(
        y=labels,
        x=[_f(v) for v in frame["total"]],
        orientation="h",
        marker={"color": PALETTE[0]},
        text=[i18n.t("aid.stats.cases_n", lang, n=n) for n in frame["cases"]],
        textposition="auto",
        customdata=frame["payments"],
        hovertemplate="%{y}: ¥%{x:,.2f} · %{customdata}"
        + i18n.t("aid.stats.times_unit", lang)
        + "<extra></extra>",
        showlegend=False,
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickprefix="¥", separatethousands=True, rangemode="tozero")
    height = 140 + ROW_HEIGHT * max(len(frame), 1)
    return _style(fig, lang, i18n.t("aid.stats.chart_cause", lang), height, legend="none")


def people_helped(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Per quarter: distinct persons helped and person-times, side by side."""
    quarters = [i18n.fmt_quarter(int(q), lang) for q in frame["quarter"]]
    fig = go.Figure()
    for n, (key, label) in enumerate(
        (("persons", "aid.stats.persons"), ("person_times", "aid.stats.person_times"))
    ):
        name = i18n.t(label, lang)
        fig.add_bar(
            name=name,
            x=quarters,
            y=[int(v) for v in frame[key]],
            marker={"color": PALETTE[n], "pattern": {"shape": PATTERNS[n], "fillmode": "overlay"}},
            text=[str(int(v)) if v else "" for v in frame[key]],
            textposition="outside",
            hovertemplate="%{x}: %{y}<extra>" + name + "</extra>",
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(
        rangemode="tozero", dtick=1 if frame[["persons", "person_times"]].max().max() < 8 else None
    )
    return _style(fig, lang, i18n.t("aid.stats.chart_people", lang), 340)


def fund_balance(series: pd.DataFrame, lang: str, as_of: dt.date | None = None) -> go.Figure:
    """One stepped line per fund source (a balance holds until money moves), each in its
    own colour and dash; points below zero (advances) marked in vermillion."""
    fig = go.Figure()
    sources = list(dict.fromkeys(series["source"])) if not series.empty else []
    for n, source in enumerate(sources):
        part = series[series["source"] == source]
        name = _label(FUND_SOURCE.label(source, lang), source, lang)
        ys = [_f(v) for v in part["balance"]]
        colour = PALETTE[n % len(PALETTE)]
        fig.add_scatter(
            name=name,
            x=list(part["date"]),
            y=ys,
            mode="lines+markers",
            line={"shape": "hv", "color": colour, "dash": DASHES[n % len(DASHES)]},
            marker={"color": [NEGATIVE if y < 0 else colour for y in ys], "size": 7},
            hovertemplate="%{x|%Y-%m-%d}: ¥%{y:,.2f}<extra>" + name + "</extra>",
        )
    fig.add_hline(y=0, line={"color": "#555555", "width": 1})
    fig.update_yaxes(tickprefix="¥", separatethousands=True)
    if as_of is not None:
        fig.update_xaxes(range=[dt.date(as_of.year, 1, 1), as_of])
    return _style(fig, lang, i18n.t("aid.stats.chart_fund", lang), 380)
