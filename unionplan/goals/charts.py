"""Plotly figures for targets: bullet, quarterly trend, section status and completion,
unit ranking. Plain plotly, no Streamlit.

Readable by everyone the app serves: status colours are the Okabe–Ito palette (safe for
the common colour-vision deficiencies) and every status is also written as a symbol and a
word and drawn with its own fill pattern, so colour is never the only cue. Fonts name the
Noto CJK faces first so Chinese renders in the browser and in static exports, long labels
are wrapped, legends sit below the plot and margins are small so a 390 px phone screen
still shows the bars.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from unionplan import i18n
from unionplan.data import periods
from unionplan.data.values import is_missing
from unionplan.goals.targets import STATUSES
from unionplan.markup import plot_text

# Okabe & Ito (2008), "Color Universal Design"; grey for "nothing to judge yet".
STATUS_COLOURS: dict[str, str] = {
    "achieved": "#009E73",  # bluish green
    "on_track": "#0072B2",  # blue
    "at_risk": "#E69F00",  # orange
    "behind": "#D55E00",  # vermillion
    "missed": "#CC79A7",  # reddish purple
    "not_started": "#BBBBBB",
}
# Text drawn on a bar of that colour: dark on the light fills, white on the dark ones.
STATUS_TEXT: dict[str, str] = {
    "achieved": "#FFFFFF",
    "on_track": "#FFFFFF",
    "at_risk": "#000000",
    "behind": "#FFFFFF",
    "missed": "#000000",
    "not_started": "#000000",
}
STATUS_PATTERNS: dict[str, str] = {
    "achieved": "",
    "on_track": ".",
    "at_risk": "/",
    "behind": "x",
    "missed": "-",
    "not_started": "",
}
STATUS_SYMBOLS: dict[str, str] = {
    "achieved": "✔",
    "on_track": "●",
    "at_risk": "▲",
    "behind": "▼",
    "missed": "✖",
    "not_started": "○",
}
ACTUAL_COLOUR = "#0072B2"
PLAN_COLOUR = "#555555"
TARGET_COLOUR = "#000000"
TRACK_COLOUR = "#E8E8E8"

_CJK_SC = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", '
_CJK_TC = '"Noto Sans CJK TC", "Noto Sans TC", "Source Han Sans TC", "PingFang TC", '
FONTS: dict[str, str] = {
    "zh-Hans": _CJK_SC + '"Microsoft YaHei", sans-serif',
    "zh-Hant": _CJK_TC + '"Microsoft JhengHei", ' + _CJK_SC + "sans-serif",
    "en": '"Noto Sans", "Helvetica Neue", Arial, ' + _CJK_SC + "sans-serif",
}
FONT_SIZE = 13
ROW_HEIGHT = 44  # px per bar row: a two-line wrapped Chinese label still fits
LABEL_WIDTH = 9  # CJK characters per line of a category label (≈ 120 px at 13 px)


def _pattern(status: str) -> dict[str, Any]:
    """The status's fill pattern drawn over its colour (overlay: the colour stays)."""
    return {
        "shape": STATUS_PATTERNS.get(status, ""),
        "fillmode": "overlay",
        "fgcolor": STATUS_TEXT.get(status, "#FFFFFF"),
        "fgopacity": 0.45,
        "size": 7,
    }


def status_label(status: str, lang: str) -> str:
    """ "▲ 存在风险": the symbol keeps the status readable without its colour."""
    return f"{STATUS_SYMBOLS.get(status, '')} {i18n.t(f'targets.status_{status}', lang)}".strip()


def wrap(text: str, width: int = LABEL_WIDTH, max_lines: int = 2) -> str:
    """Break a label into lines of about `width` CJK characters (a Latin letter counts
    half), cut with "…" after `max_lines`, as plotly text (`markup.plot_text`: what was
    typed is shown, never read as HTML). Plotly does not wrap by itself."""
    lines: list[str] = []
    line, size = "", 0.0
    for word in _tokens(str(text or "")):
        w = sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in word)
        if line and size + w > width:
            lines.append(line.rstrip())
            line, size = "", 0.0
        line += word
        size += w
    if line:
        lines.append(line.rstrip())
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], lines[max_lines - 1][: max(1, width - 1)] + "…"]
    # Escaped after the cut, so an "&amp;" is never cut in half.
    return "<br>".join(plot_text(line) for line in lines)


def _tokens(text: str) -> list[str]:
    """CJK characters one by one; Latin words (with their trailing space) kept whole."""
    out: list[str] = []
    word = ""
    for ch in text:
        if ord(ch) >= 0x2E80:
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        else:
            word += ch
            if ch == " ":
                out.append(word)
                word = ""
    if word:
        out.append(word)
    return out


def _style(
    fig: go.Figure,
    lang: str,
    title: str,
    height: int,
    *,
    legend: str = "bottom",
    ticks: bool = True,
) -> go.Figure:
    """Fonts, a left-aligned wrapped title, small margins and the legend placement.

    A bottom legend is placed a fixed number of pixels under the plot (clear of the tick
    labels) rather than a fraction of its height, so it never covers the axis on a
    short chart; "inside" puts it in the plot's top-left corner (the trend chart's empty
    corner); "none" hides it.
    """
    title = wrap(title, 22, max_lines=3) if title else ""
    top = (30 + 20 * (title.count("<br>") + 1)) if title else 16
    gap = 34 if ticks else 4  # px between the plot and a bottom legend
    bottom = (62 + gap if legend == "bottom" else 36) if ticks else (62 if legend != "none" else 8)
    plot = max(height - top - bottom, 60)
    legends = {
        "bottom": {"orientation": "h", "yanchor": "top", "y": -gap / plot, "xanchor": "left",
                   "x": 0},
        "inside": {"orientation": "v", "yanchor": "top", "y": 1, "xanchor": "left", "x": 0.01,
                   "bgcolor": "rgba(255,255,255,0.8)"},
    }  # fmt: skip
    family = FONTS.get(lang, FONTS["zh-Hans"])
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "y": 1, "yanchor": "top",
               "yref": "container", "pad": {"t": 12}, "font": {"size": 15}},
        font={"family": family, "size": FONT_SIZE},
        height=height,
        margin={"l": 8, "r": 16, "t": top, "b": bottom},
        showlegend=legend != "none",
        legend={**legends.get(legend, {}), "font": {"size": 12}},
        plot_bgcolor="#FFFFFF",
        paper_bgcolor="#FFFFFF",
        hoverlabel={"font": {"family": family}},
    )  # fmt: skip
    fig.update_xaxes(gridcolor="#E5E5E5", zeroline=False, automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def _num(value: Any) -> float | None:
    return None if is_missing(value) else float(value)


def value_text(
    row: Mapping[str, Any], key: str, lang: str, typed: Callable[[str], str] = str
) -> str:
    """A target's figure in its own terms: "86%（43/50）", "53 人次", "¥9,000", "已完成".

    The unit of measure is the one part typed in the sheet: `typed` makes it safe for
    where the figure goes (`markup.md_text` for Markdown)."""
    value = _num(row.get(key))
    metric = row.get("metric")
    if value is None:
        return "—"
    if metric == "rate":
        text = i18n.fmt_percent(value, lang, 1 if value * 100 % 1 else 0)
        num, den = _num(row.get("numerator")), _num(row.get("denominator"))
        if key == "actual" and num is not None and den:
            pair = f"{i18n.fmt_number(num, lang)}/{i18n.fmt_number(den, lang)}"
            text += f" ({pair})" if lang == "en" else f"（{pair}）"
        return text
    if metric == "milestone":
        return i18n.t("targets.done" if value >= 1 else "targets.not_done", lang)
    if metric == "amount":
        return i18n.fmt_money(value, lang)
    digits = 0 if float(value).is_integer() else 1
    uom = typed(row.get("unit_of_measure") or "")
    return f"{i18n.fmt_number(value, lang, digits)}{' ' if uom and lang == 'en' else ''}{uom}"


# ---------------------------------------------------------------- bullet

BULLET_ROW = 62  # px per target: its title line above, the bar below
TRACK_WIDTH = 0.42  # the grey track (the target) in y units of one row
BAR_WIDTH = 0.24  # the actual bar drawn inside the track


def _bullets(
    rows: list[Mapping[str, Any]],
    lang: str,
    *,
    actual: list[float],
    expected: list[float | None],
    target: list[float],
    right: float,
) -> go.Figure:
    """Bullet rows: the title and figure written above each bar, not beside it, so the
    bars get the whole width of a phone; the status as symbol and word right of the track."""
    n = len(rows)
    ys = list(range(n))
    statuses = [str(r.get("status") or "not_started") for r in rows]
    fig = go.Figure()
    fig.add_bar(
        name=i18n.t("targets.legend_target", lang),
        y=ys,
        x=target,
        orientation="h",
        width=TRACK_WIDTH,
        marker={"color": TRACK_COLOUR},
        hoverinfo="skip",
    )
    fig.add_bar(
        name=i18n.t("targets.legend_actual", lang),
        y=ys,
        x=actual,
        orientation="h",
        width=BAR_WIDTH,
        marker={
            "color": [STATUS_COLOURS.get(s, ACTUAL_COLOUR) for s in statuses],
            "pattern": {
                "shape": [STATUS_PATTERNS.get(s, "") for s in statuses],
                "fillmode": "overlay",
                "fgcolor": [STATUS_TEXT.get(s, "#FFFFFF") for s in statuses],
                "fgopacity": 0.45,
                "size": 7,
            },
        },
        customdata=[plot_text(value_text(r, "actual", lang)) for r in rows],
        hovertemplate="%{customdata}<extra></extra>",
        showlegend=False,
    )
    exp_x = [None if e is None else e for e in expected]
    if any(e is not None for e in exp_x):
        fig.add_scatter(
            name=i18n.t("targets.legend_expected", lang),
            y=ys,
            x=exp_x,
            mode="markers",
            marker={
                "symbol": "diamond-open",
                "size": 14,
                "color": TARGET_COLOUR,
                "line": {"width": 2},
            },
            customdata=[plot_text(value_text(r, "expected_by_now", lang)) for r in rows],
            hovertemplate="%{customdata}<extra>"
            + i18n.t("targets.legend_expected", lang)
            + "</extra>",
        )
    # Status as symbol and word right of the track: readable without the colour.
    fig.add_scatter(
        name="status",
        y=ys,
        x=[max(t, a, e or 0) for t, a, e in zip(target, actual, exp_x, strict=True)],
        mode="text",
        text=[status_label(s, lang) for s in statuses],
        textposition="middle right",
        textfont={"size": 12},
        hoverinfo="skip",
        showlegend=False,
    )
    for y, r in zip(ys, rows, strict=True):
        fig.add_annotation(
            x=0,
            y=y - TRACK_WIDTH / 2,
            xref="x",
            yref="y",
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            align="left",
            text=f"{wrap(str(r.get('title') or ''), 16, 1)}  "
            f"<b>{plot_text(value_text(r, 'actual', lang))}</b>",
        )
    fig.update_layout(barmode="overlay", bargap=0)
    fig.update_xaxes(range=[0, right], showticklabels=False, showgrid=False)
    fig.update_yaxes(range=[n - 0.5, -0.75], showticklabels=False, showgrid=False, zeroline=False)
    return fig


def bullet(row: Mapping[str, Any], lang: str) -> go.Figure:
    """One target in its own units: actual (status colour, pattern and word) against the
    target (the grey track) and expected-by-now (the open diamond)."""
    scale = 100.0 if row.get("metric") == "rate" else 1.0
    target = (_num(row.get("target")) or 0.0) * scale
    actual = (_num(row.get("actual")) or 0.0) * scale
    expected = _num(row.get("expected_by_now"))
    expected = None if expected is None or row.get("metric") == "milestone" else expected * scale
    top = max(target, actual, expected or 0.0) or 1.0
    fig = _bullets(
        [row],
        lang,
        actual=[actual],
        expected=[expected],
        target=[max(target, 0.0)],
        right=top * 1.45,  # room for the status word
    )
    # No chart title: the row's own line above the bar already names the target.
    return _style(fig, lang, "", 16 + BULLET_ROW + 62, ticks=False)


def section_bullets(df: pd.DataFrame, lang: str, title: str = "") -> go.Figure:
    """Several targets in one bullet chart, each as a share of its own target (the track
    is 100%), so people, yuan and rates sit on one axis."""
    rows = df.to_dict("records")
    actual = [min(_share_of_target(r) * 100, 130.0) for r in rows]
    expected = [
        (_num(r["expected_by_now"]) or 0.0) / _num(r["target"]) * 100
        if _num(r["target"]) and r["metric"] != "milestone"
        else None
        for r in rows
    ]
    fig = _bullets(
        rows,
        lang,
        actual=actual,
        expected=expected,
        target=[100.0] * len(rows),
        right=175.0,
    )
    height = (50 if title else 16) + BULLET_ROW * len(rows) + 62
    return _style(fig, lang, title, height, ticks=False)


def _share_of_target(row: Mapping[str, Any]) -> float:
    """Actual as a share of the target number (for "at most": how much of the limit used)."""
    actual, target = _num(row.get("actual")), _num(row.get("target"))
    if actual is None:
        return 0.0
    if row.get("metric") == "milestone":
        return 1.0 if actual >= 1 else 0.0
    if not target:
        return 1.0 if actual >= 0 else 0.0
    return actual / target


# ---------------------------------------------------------------- trend


def trend(points: pd.DataFrame, row: Mapping[str, Any], lang: str, as_of: Any = None) -> go.Figure:
    """Cumulative actual at each quarter end against the plan line and the target."""
    metric = row.get("metric")
    scale = 100.0 if metric == "rate" else 1.0
    dates = list(points["date"])
    ticks = [_tick(d, i == 0, as_of, lang) for i, d in enumerate(dates)]
    actual = [None if pd.isna(v) else v * scale for v in points["actual"]]
    plan = [None if pd.isna(v) else v * scale for v in points["expected"]]
    target = _num(row.get("target"))
    fig = go.Figure()
    fig.add_scatter(
        name=i18n.t("targets.legend_plan", lang),
        x=dates,
        y=plan,
        mode="lines",
        line={"color": PLAN_COLOUR, "dash": "dash", "width": 2},
        hovertemplate="%{y:.3~f}<extra>" + i18n.t("targets.legend_plan", lang) + "</extra>",
    )
    fig.add_scatter(
        name=i18n.t("targets.legend_actual", lang),
        x=dates,
        y=actual,
        mode="lines+markers",
        line={"color": ACTUAL_COLOUR, "width": 3},
        marker={"size": 8, "symbol": "circle"},
        connectgaps=False,
        hovertemplate="%{y:.3~f}<extra>" + i18n.t("targets.legend_actual", lang) + "</extra>",
    )
    if target is not None:
        fig.add_scatter(
            name=i18n.t("targets.legend_target", lang),
            x=[dates[0], dates[-1]],
            y=[target * scale] * 2,
            mode="lines",
            line={"color": TARGET_COLOUR, "dash": "dot", "width": 1.5},
            hoverinfo="skip",
        )
    # Only the start and quarter ends are labelled: an "as of" label next to a quarter end
    # would overlap it on a phone; the point itself is still drawn (and hovered).
    labelled = [(d, tx) for d, tx in zip(dates, ticks, strict=True) if tx]
    fig.update_xaxes(
        tickvals=[d for d, _ in labelled], ticktext=[tx for _, tx in labelled], tickangle=0
    )
    # A rate moves within a few points near the top: from zero its line would look flat.
    fig.update_yaxes(
        rangemode="normal" if metric == "rate" else "tozero",
        ticksuffix="%" if metric == "rate" else "",
    )
    title = i18n.t("targets.chart_trend", lang, title=str(row.get("title") or ""))
    return _style(fig, lang, title, 340)


def _tick(day: Any, first: bool, as_of: Any, lang: str) -> str:
    """The start and quarter ends are named; other checkpoints (as of, month ends of a
    quarterly target) get "" unless nothing else is labelled near them."""
    if first:
        return i18n.t("targets.tick_start", lang)
    if periods.is_quarter_end(day):
        return i18n.t("targets.tick_quarter_end", lang, q=periods.quarter_of(day))
    if as_of is not None and day == as_of:
        return ""
    return f"{day.month}/{day.day}"


# ---------------------------------------------------------------- sections


def section_summary(df: pd.DataFrame, no_section: str) -> pd.DataFrame:
    """Per section: count of each status, share on track (on track + achieved), and
    completion (weighted average of capped achievement, %). Sections in sheet order."""
    rows = []
    if df is None or df.empty:
        return pd.DataFrame(columns=["section", "n", *STATUSES, "on_track_share", "completion"])
    for section, part in df.groupby(df["section"].replace("", no_section), sort=False):
        counts = part["status"].value_counts()
        weight = part["weight"].clip(lower=0)
        capped = part["pct_achieved"].fillna(0).clip(upper=1.0)
        done = float((weight * capped).sum() / weight.sum() * 100) if weight.sum() else 0.0
        good = int(counts.get("on_track", 0) + counts.get("achieved", 0))
        rows.append(
            {
                "section": section,
                "n": len(part),
                **{s: int(counts.get(s, 0)) for s in STATUSES},
                "on_track_share": good / len(part) * 100,
                "completion": done,
            }
        )
    return pd.DataFrame(rows)


def section_status(summary: pd.DataFrame, lang: str) -> go.Figure:
    """Share of each section's targets in each status, as stacked bars that add to 100%."""
    labels = [wrap(s) for s in summary["section"]]
    fig = go.Figure()
    for status in STATUSES:
        if status not in summary or not summary[status].any():
            continue
        share = summary[status] / summary["n"] * 100
        fig.add_bar(
            name=status_label(status, lang),
            y=labels,
            x=share,
            orientation="h",
            marker={
                "color": STATUS_COLOURS[status],
                "pattern": _pattern(status),
                "line": {"color": "#FFFFFF", "width": 1},
            },
            text=[str(n) if n else "" for n in summary[status]],
            textposition="inside",
            insidetextanchor="middle",
            textfont={"color": STATUS_TEXT[status]},
            customdata=summary[status],
            hovertemplate="%{y}: %{customdata} (%{x:.0f}%)<extra>"
            + status_label(status, lang)
            + "</extra>",
        )
    fig.update_layout(barmode="stack", legend_traceorder="normal")  # legend in status order
    fig.update_xaxes(range=[0, 100], ticksuffix="%", tickvals=[0, 25, 50, 75, 100])
    fig.update_yaxes(autorange="reversed")
    height = 150 + ROW_HEIGHT * len(summary)
    return _style(fig, lang, i18n.t("targets.chart_section_status", lang), height)


def section_completion(summary: pd.DataFrame, lang: str) -> go.Figure:
    """Completion per section (weighted, capped) with the on-track share written beside."""
    labels = [wrap(s) for s in summary["section"]]
    text = [f"{c:.0f}%" for c in summary["completion"]]
    hover = [
        i18n.t("targets.completion_text", lang, pct=f"{c:.0f}", good=f"{g:.0f}")
        for c, g in zip(summary["completion"], summary["on_track_share"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=summary["completion"],
            orientation="h",
            marker={"color": ACTUAL_COLOUR},
            text=text,
            textposition="outside",
            cliponaxis=False,
            customdata=hover,
            hovertemplate="%{y}: %{customdata}<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_xaxes(range=[0, 118], ticksuffix="%", tickvals=[0, 25, 50, 75, 100])
    fig.update_yaxes(autorange="reversed")
    height = 110 + ROW_HEIGHT * len(summary)
    return _style(
        fig, lang, i18n.t("targets.chart_section_completion", lang), height, legend="none"
    )


# ---------------------------------------------------------------- units


def unit_ranking(scores: pd.DataFrame, lang: str, selected: str | None = None) -> go.Figure:
    """Member units by assessment score, best on top; the selected unit in orange."""
    colours = [
        STATUS_COLOURS["at_risk"] if u == selected else ACTUAL_COLOUR for u in scores["unit"]
    ]
    fig = go.Figure(
        go.Bar(
            y=[wrap(n) for n in scores["name"]],
            x=scores["score"],
            orientation="h",
            marker={"color": colours},
            text=[f"{s:.1f}" for s in scores["score"]],
            textposition="outside",
            cliponaxis=False,
            customdata=scores["unit"],
            hovertemplate="%{y}: %{x:.1f}<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_xaxes(range=[0, 112], tickvals=[0, 20, 40, 60, 80, 100])
    fig.update_yaxes(autorange="reversed")
    height = 90 + 38 * len(scores)
    return _style(fig, lang, i18n.t("targets.chart_units", lang), height, legend="none")
