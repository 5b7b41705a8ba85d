"""Targets in a plan's sentences: "每年不少于2篇", "建会率达95%以上", "举办1-2期培训班".

A target is a number with a unit (%, 家, 篇, 期, 次, 人次, 天, 元 …) in a clause that
states an intention: a bound ("不少于", "以上", "不超过"), a commitment ("确保", "力争",
"要达到") or a period ("每年", "全年", "年内"). Sentences that report what was done
("培训工会干部53人次", "签订率达86%" after "已有43家企业签订了") are left out by their
past-tense markers. This is a first suggestion for the preview, not an understanding
of the sentence; the person keeps, corrects or drops each one.

The scan walks runs of digits once (a plain character class, matched left to right), so
its cost grows linearly with the text.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from unionplan.reports.lines import SENTENCE_END, numbering, trim
from unionplan.reports.months import cn_int

# Longest first: "人次" before "人", "万元" before "元".
_UNITS = (
    "万元",
    "人次",
    "课时",
    "小时",
    "%",
    "‰",
    "元",
    "家",
    "篇",
    "期",
    "次",
    "天",
    "个",
    "名",
    "人",
    "项",
    "场",
    "户",
    "所",
    "件",
    "份",
    "条",
    "批",
    "本",
    "届",
    "对",
)
# A Chinese numeral counts only before one of these ("二次", "两次", "一篇").
_CN_UNITS = ("人次", "次", "篇", "期", "家", "个", "名", "项", "场", "天", "批", "所", "户")
_AT_MOST = ("不超过", "不高于", "不多于", "最多", "至多", "控制在", "低于", "<=", "≤")
_AT_LEAST = ("不少于", "不低于", "至少", "最少", "达到", "达", ">=", "≥")
_INTENT = (
    "力争",
    "确保",
    "保证",
    "保持",
    "每年",
    "全年",
    "年内",
    "年度",
    "每半年",
    "每季度",
    "每季",
    "每月",
    "每学期",
    "新增",
    "创建",
    "再创",
    "建立",
    "举办",
    "召开",
    "完成",
    "任务",
    "目标",
)
_AFTER_MORE = ("以上", "及以上")
_AFTER_LESS = ("以下", "以内", "及以下")
# "25人以上企业": a size that qualifies what follows, not a number to reach.
_QUALIFIED = ("企业", "单位", "公司", "职工", "员工", "规模", "人员", "老", "退休", "的企业")
# Reports of what was done. "了" counts except in 了解, 为了, 除了.
_PAST = (
    "已",
    "共计",
    "共开展",
    "共征集",
    "共发放",
    "共有",
    "先后",
    "至今",
    "目前",
    "现有",
    "评选出",
    "荣获",
    "被评为",
)
# "要" states an intention ("要达到", "要求"), but not inside 重要, 主要, 需要 …
_NOT_WANT = "重主需纲摘概必只首"
# "三个月", "两年": a duration, not a count
_DURATION = ("月", "年", "星期", "小时", "工作日")
_OPEN_QUOTES = "“「《〈‘\"'"
_CLOSE_QUOTES = "”」》〉’\"'"
_CLAUSE_END = SENTENCE_END + ",，、:："


def _alternation(words: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for a list of words (a plain alternation: no backtracking to speak of)."""
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


_UNIT_RE = _alternation(_UNITS)
_CN_UNIT_RE = _alternation(_CN_UNITS)
_AT_MOST_RE = _alternation(_AT_MOST)
_CUE_RE = re.compile(_alternation((*_AT_LEAST, *_INTENT)).pattern + rf"|(?<![{_NOT_WANT}])要")
_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
_CN_RUN = re.compile(r"[一二两三四五六七八九十]+")
_RANGE = "-~至到—–"
MAX_TITLE = 200
CUE_REACH = 40  # how far from a number its cue may stand, within the clause
# Numbers with a unit looked at per sentence: a plan's sentence has a handful; a sentence
# with thousands is not a plan, and looking no further keeps the work bounded.
MAX_CANDIDATES = 1000


@dataclass(frozen=True)
class FoundTarget:
    """A target suggested by a sentence."""

    title: str  # the sentence (or its clause, when it holds several targets), as typed
    value: float  # as written: 95 for "95%", 20000 for "2万元"
    unit: str  # "%", "篇", "元" …
    metric: str  # rate | count | amount
    direction: str  # at_least | at_most
    period: str  # year | half | quarter
    note: str | None = None  # "1-2期": a range, kept as typed (the value is its lower end)
    at: int = 0  # where its number stands in the text


def past_tense(sentence: str) -> bool:
    if any(marker in sentence for marker in _PAST):
        return True
    start = 0
    while True:
        i = sentence.find("了", start)
        if i < 0:
            return False
        before = sentence[i - 1] if i else ""
        after = sentence[i + 1] if i + 1 < len(sentence) else ""
        if after != "解" and before not in "为除":
            return True
        start = i + 1


def _quoted(folded: str) -> bytearray:
    """1 where a character stands inside quotes or book-title marks: “三个代表”, 《…》."""
    mask = bytearray(len(folded))
    depth = 0
    for i, ch in enumerate(folded):
        if ch in _OPEN_QUOTES and not (ch in _CLOSE_QUOTES and depth):
            depth += 1
        elif ch in _CLOSE_QUOTES and depth:
            depth -= 1
        elif depth:
            mask[i] = 1
    return mask


def _unit_at(folded: str, i: int, units: re.Pattern[str]) -> str | None:
    m = units.match(folded, i)
    return m.group() if m else None


def _period(text: str) -> str:
    if "半年" in text:
        return "half"
    if "季度" in text or "每季" in text:
        return "quarter"
    return "year"


@dataclass(frozen=True)
class _Hit:
    start: int  # of the number, in the sentence
    end: int  # after the unit (and "以上" …)
    value: float
    unit: str
    direction: str
    note: str | None


class _Clauses:
    """Where the clauses of one sentence begin and end, found once (bisect per number)."""

    def __init__(self, folded: str) -> None:
        self.size = len(folded)
        self.ends = [i for i, ch in enumerate(folded) if ch in _CLAUSE_END]

    def bounds(self, i: int) -> tuple[int, int]:
        k = bisect.bisect_left(self.ends, i)
        lo = self.ends[k - 1] + 1 if k else 0
        hi = self.ends[k] if k < len(self.ends) else self.size
        return lo, hi


def _judge(
    folded: str, clauses: _Clauses, start: int, unit_end: int, *, ranged: bool = False
) -> tuple[bool, str, int]:
    """(is it a target, its direction, where it ends) for a number+unit at [start, unit_end).

    A range ("1-2期") is a plan's own way of stating a number, so it needs no cue.
    Cues are looked for near the number only (CUE_REACH characters of its clause each
    side), which keeps the work per number bounded however long the clause is.
    """
    end = unit_end
    after = ""
    for word in (*_AFTER_MORE, *_AFTER_LESS):
        if folded.startswith(word, unit_end):
            after, end = word, unit_end + len(word)
            break
    if after:
        rest = folded[end : end + 4]
        if rest.startswith("的"):
            rest = rest[1:]
        if rest.startswith(_QUALIFIED):
            return False, "", end
    lo, hi = clauses.bounds(start)
    before = folded[max(lo, start - CUE_REACH) : start]
    near = folded[max(lo, start - CUE_REACH) : min(hi, end + CUE_REACH)]
    if after in _AFTER_LESS or _AT_MOST_RE.search(before):
        return True, "at_most", end
    if after or ranged or _CUE_RE.search(near):
        return True, "at_least", end
    return False, "", end


def _hits(folded: str) -> list[_Hit]:
    hits: list[_Hit] = []
    budget = MAX_CANDIDATES
    n = len(folded)
    clauses = _Clauses(folded)
    quoted = _quoted(folded)
    taken = 0  # the upper end of a range ("1-2期") is not a number of its own
    for m in _NUMBER.finditer(folded):
        start, i = m.start(), m.end()
        if start < taken:
            continue
        prev = folded[start - 1] if start else ""
        if prev == "第" or (prev.isascii() and prev.isalpha()) or quoted[start]:
            continue  # "第2次", "3g", "“3g”女工工作品牌"
        try:
            value = float(m.group().replace(",", ""))
        except ValueError:
            continue
        ranged = False
        j = i
        while j < n and folded[j] == " ":
            j += 1
        if j < n and folded[j] in _RANGE:
            m2 = _NUMBER.match(folded, j + 1)
            if m2:
                ranged, j = True, m2.end()
                taken = j
        while j < n and folded[j] == " ":
            j += 1
        unit = _unit_at(folded, j, _UNIT_RE)
        if unit is None or (unit == "个" and folded.startswith(_DURATION, j + 1)):
            continue
        budget -= 1
        if budget < 0:
            break
        ok, direction, end = _judge(folded, clauses, start, j + len(unit), ranged=ranged)
        if not ok:
            continue
        note = folded[start : j + len(unit)] if ranged else None
        if unit == "万元":
            value, unit = value * 10000, "元"
        hits.append(_Hit(start, end, value, unit, direction, note))
    for m in _CN_RUN.finditer(folded):
        start = m.start()
        if (start and folded[start - 1] in "第届") or quoted[start]:
            continue  # "第三次", "二届二次教代会": which one, not how many
        value, j = cn_int(folded, start)
        if value is None or j != m.end():
            continue  # "一二" or a run too long to be one number
        unit = _unit_at(folded, j, _CN_UNIT_RE)
        if unit is None or (unit == "个" and (value == 1 or folded.startswith(_DURATION, j + 1))):
            continue  # "一个中心", "三个月"
        budget -= 1
        if budget < 0:
            break
        ok, direction, end = _judge(folded, clauses, start, j + len(unit))
        if ok:
            hits.append(_Hit(start, end, float(value), unit, direction, None))
    hits.sort(key=lambda h: h.start)
    return hits


def _sentences(folded: str) -> list[tuple[int, int]]:
    spans, lo = [], 0
    for i, ch in enumerate(folded):
        if ch in SENTENCE_END:
            spans.append((lo, i))
            lo = i + 1
    spans.append((lo, len(folded)))
    return [(a, b) for a, b in spans if b > a]


def _title(text: str, folded: str) -> str:
    _, start = numbering(folded)
    title = trim(text[start:])
    return title if len(title) <= MAX_TITLE else title[:MAX_TITLE] + "…"


def find_targets(text: str, folded: str) -> list[FoundTarget]:
    """The targets the sentences of `text` state (`folded` is `lines.fold(text)`)."""
    found: list[FoundTarget] = []
    for lo, hi in _sentences(folded):
        f_sentence = folded[lo:hi]
        if not any(ch.isdigit() or ch in "一二两三四五六七八九十" for ch in f_sentence):
            continue
        if past_tense(f_sentence):
            continue
        hits = _hits(f_sentence)
        clauses = _Clauses(f_sentence) if len(hits) > 1 else None
        period = _period(f_sentence)
        for hit in hits:
            a, b = clauses.bounds(hit.start) if clauses else (0, len(f_sentence))
            b = min(b, a + MAX_TITLE + 8)  # enough for a title, however long the clause
            title = _title(text[lo + a : lo + b], f_sentence[a:b])
            if not title:
                continue
            metric = "rate" if hit.unit in ("%", "‰") else "amount" if hit.unit == "元" else "count"
            value = hit.value / 10 if hit.unit == "‰" else hit.value
            found.append(
                FoundTarget(
                    title=title,
                    value=value,
                    unit="%" if metric == "rate" else hit.unit,
                    metric=metric,
                    direction=hit.direction,
                    period=period,
                    note=hit.note,
                    at=lo + hit.start,
                )
            )
    return found
