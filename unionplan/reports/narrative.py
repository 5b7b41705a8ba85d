"""Wording a report's figures in the register of the seeds' summaries, in three languages.

"上半年，共开展活动18次，参与职工1,240人次；工资集体协商签订率达86%，距目标90%尚差4个百分点"
— every number in a sentence comes from a `Figure`, which keeps the value beside the text
it was printed as, so a test can find each printed number and check it against the
workbook. Sentences are catalogue entries (locales/<lang>/reports.toml, keys n_* and t_*);
this module only chooses which one and fills it in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from unionplan import i18n
from unionplan.aid.money import to_money
from unionplan.data.schema import ACTIVITY_CATEGORY, AID_KIND
from unionplan.goals.targets import STATUSES
from unionplan.reports.figures import ActivityTotals, AidFigures, TargetLine


@dataclass(frozen=True)
class Figure:
    """A number as a report states it: its key, its value and the text printed."""

    key: str
    value: Any  # int, float (a rate as a fraction), Decimal (money) or None
    text: str


# ------------------------------------------------------------------ numbers


def num(value: float | int | Decimal | None) -> str:
    """1240 -> "1,240"; 2.5 -> "2.5"; the same in every language, as the seeds write it."""
    if value is None:
        return "—"
    f = float(value)
    if f.is_integer():
        return f"{int(f):,}"
    return f"{f:,.1f}"


def pct_points(fraction: float) -> float:
    """A rate as percentage points, to one decimal: 0.8667 -> 86.7."""
    return round(fraction * 100 + 0.0, 1)


def pct(fraction: float | None) -> str:
    """0.86 -> "86%"; 0.8667 -> "86.7%"."""
    if fraction is None:
        return "—"
    return f"{num(pct_points(fraction))}%"


def money(amount: Any, lang: str) -> str:
    """ "21,000元" in Chinese, "¥21,000" in English; fen only when there are any."""
    d = to_money(amount)
    text = f"{abs(d):,.0f}" if d == d.to_integral_value() else f"{abs(d):,.2f}"
    sign = "-" if d < 0 else ""
    return f"{sign}¥{text}" if lang == "en" else f"{sign}{text}元"


def quantity(value: float | None, uom: str, lang: str) -> str:
    """ "53人次" / "53 person-times": a count with its unit of measure as typed."""
    if lang == "en" and uom:
        return f"{num(value)} {uom}"
    return f"{num(value)}{uom}"


def t(key: str, lang: str, **params: Any) -> str:
    return i18n.t(f"reports.{key}", lang, **params)


def clauses(parts: Iterable[str], lang: str) -> str:
    """Clauses joined as one sentence: "a；b。" / "a; b."."""
    items = [p for p in parts if p]
    if not items:
        return ""
    return t("sep_clause", lang).join(items) + t("sep_end", lang)


def listing(parts: Sequence[str], lang: str) -> str:
    return t("sep_list", lang).join(parts)


# ------------------------------------------------------------------ sentences


def activities_clause(
    key: str, totals: ActivityTotals, lang: str, **names: str
) -> tuple[str, list[Figure]]:
    """The activities held, participants and money spent, in one clause."""
    figs = [
        Figure(f"{key}.held", totals.held, num(totals.held)),
        Figure(f"{key}.participants", totals.participants, num(totals.participants)),
        Figure(f"{key}.cost", totals.cost, money(totals.cost, lang)),
    ]
    if totals.held == 0:
        return t(f"{_kind(key)}_none", lang, **names), figs[:1]
    if totals.cost == 0:  # nothing spent (or no cost recorded): said as nothing, not "0元"
        text = t(f"{_kind(key)}_nocost", lang, held=figs[0].text, people=figs[1].text, **names)
        return text, figs[:2]
    text = t(
        _kind(key),
        lang,
        held=figs[0].text,
        people=figs[1].text,
        cost=figs[2].text,
        **names,
    )
    return text, figs


def _kind(key: str) -> str:
    return "n_overall" if key == "overview" else "n_section"


def status_clause(key: str, lines: Sequence[TargetLine], lang: str) -> tuple[str, list[Figure]]:
    """ "全部12项目标中，已达成3项，正常推进6项…": the count of each status present."""
    figs = [Figure(f"{key}.targets", len(lines), num(len(lines)))]
    parts = []
    for status in STATUSES:
        n = sum(1 for line in lines if line.status == status)
        if n:
            fig = Figure(f"{key}.status.{status}", n, num(n))
            figs.append(fig)
            parts.append(t(f"status_part_{status}", lang, n=fig.text))
    if not lines:
        return "", []
    return t("n_targets", lang, total=figs[0].text, parts=listing(parts, lang)), figs


def target_clause(line: TargetLine, lang: str) -> tuple[str, list[Figure]]:
    """One target's standing against its target, with its status when not achieved."""
    key = f"target.{line.id}"
    title = line.title
    if line.metric == "milestone":
        done = line.status == "achieved"
        figs: list[Figure] = []
        if done:
            return t("t_milestone_done", lang, title=title), figs
        deadline = i18n.fmt_date(line.deadline, lang) if line.deadline else "—"
        return t("t_milestone_open", lang, title=title, deadline=deadline), figs
    target_text = value_text(line, line.target, lang)
    figs = [Figure(f"{key}.target", line.target, target_text)]
    if line.actual is None:
        return t("t_no_data", lang, title=title, target=target_text), figs
    actual_text = value_text(line, line.actual, lang)
    figs.append(Figure(f"{key}.actual", line.actual, actual_text))
    met = line.status == "achieved"
    params: dict[str, Any] = {"title": title, "actual": actual_text, "target": target_text}
    if line.metric == "rate" and line.target is not None:
        gap = abs(round(pct_points(line.target) - pct_points(line.actual), 1))
        figs.append(Figure(f"{key}.gap", gap, num(gap)))
        params["gap"] = num(gap)
        if line.direction == "at_most":
            over = line.actual > line.target
            sentence = "t_rate_over" if over else "t_rate_under"
        else:
            sentence = "t_rate_met" if line.actual >= line.target else "t_rate_short"
    elif line.direction == "at_most":
        over = line.target is not None and line.actual > line.target
        sentence = "t_limit_over" if over else "t_limit_ok"
    else:
        reached = line.target is not None and line.actual >= line.target
        share = (line.actual / line.target) if line.target else None
        fig = Figure(f"{key}.pct", share, pct(share))
        figs.append(fig)
        params["pct"] = fig.text
        sentence = "t_value_met" if reached else "t_value"
    text = t(sentence, lang, **params)
    if not met:
        text += t("t_status", lang, status=i18n.t(f"targets.status_{line.status}", lang))
    return text, figs


def value_text(line: TargetLine, value: float | None, lang: str) -> str:
    if line.metric == "rate":
        return pct(value)
    if line.metric == "amount":
        return money(value or 0, lang)
    return quantity(value, line.unit_of_measure, lang)


def aid_sentences(period_name: str, aid: AidFigures, lang: str) -> tuple[str, list[Figure]]:
    """People and person-times helped, the amount paid and its parts by kind of aid."""
    figs = [
        Figure("aid.persons", aid.persons, num(aid.persons)),
        Figure("aid.person_times", aid.person_times, num(aid.person_times)),
        Figure("aid.total", aid.total, money(aid.total, lang)),
        Figure("aid.cash", aid.cash, money(aid.cash, lang)),
    ]
    if aid.person_times == 0:
        return t("n_aid_none", lang, period=period_name), figs[:2]
    first = t(
        "n_aid",
        lang,
        period=period_name,
        persons=figs[0].text,
        times=figs[1].text,
        total=figs[2].text,
        cash=figs[3].text,
    )
    parts = []
    for k in aid.by_kind:
        times = Figure(f"aid.{k.kind or 'none'}.person_times", k.person_times, num(k.person_times))
        total = Figure(f"aid.{k.kind or 'none'}.total", k.total, money(k.total, lang))
        figs += [times, total]
        parts.append(
            t(
                "n_aid_kind",
                lang,
                kind=aid_kind_label(k.kind, lang),
                times=times.text,
                total=total.text,
            )
        )
    return first + t("n_aid_kinds", lang, parts=listing(parts, lang)), figs


def aid_kind_label(kind: str, lang: str) -> str:
    return AID_KIND.label(kind, lang) if kind else t("no_kind", lang)


def category_label(category: str | None, lang: str) -> str:
    return ACTIVITY_CATEGORY.label(category, lang) if category else ""
