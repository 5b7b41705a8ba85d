"""A plan as text (pasted, .txt, .md) into a preview: the activity schedule and targets.

The text is read line by line. A line that opens with months ("三月份：", "七、八月份",
"2月新学期新面貌", "### 3月争创活动") starts a month block; the numbered or short lines
after it are that month's activities, until a heading, a plan's title or a paragraph of
prose ends the block. Prose elsewhere is searched for targets, and "时限：" /
"责任人：" lines give the targets before them a deadline and a responsible person. Every
other non-blank line is listed as an issue, so nothing disappears without a word.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field

from unionplan.errors import UnionplanError
from unionplan.reports import lines as ln
from unionplan.reports.months import MonthHead, deadline_of, read_months
from unionplan.reports.preview import (
    ActivityRow,
    ImportIssue,
    ImportPreview,
    TargetRow,
    YearTurn,
    activity_rows,
    target_key,
)
from unionplan.reports.target_text import MAX_TITLE, find_targets, past_tense

MAX_CHARS = 200_000  # a year's plan is 5,000–40,000 characters; more is not a plan
ITEM_MAX = 60  # an unnumbered line longer than this, inside a month block, is prose
THEME_MAX = 30  # "2月新学期新面貌": a month's theme is short and has no sentence in it
SECTION_MAX = 40
SECTION_SHORT = 20
ISSUE_TEXT_MAX = 80
MAX_TARGETS = 100  # per paragraph
_INLINE_SPLIT = ",，;；"


@dataclass
class _Block:
    head: MonthHead
    line: int
    theme: str | None
    items: int = 0
    # how its items are written: "numbered" lines, "plain" lines (篇七's schedule) or
    # "inline" on the heading line ("三月份：庆祝三八节，趣味运动会"). Only a block of
    # plain lines goes on with an unnumbered line.
    style: str | None = None


@dataclass
class _Reader:
    """The state of one pass over the text."""

    year: int
    preview: ImportPreview
    block: _Block | None = None
    section: str | None = None
    paragraph: list[ln.Line] = field(default_factory=list)
    want_deadline: list[TargetRow] = field(default_factory=list)
    want_responsible: list[TargetRow] = field(default_factory=list)
    block_rows: list[ActivityRow] = field(default_factory=list)
    heads: dict[tuple[int, ...], int] = field(default_factory=dict)
    keys: dict[str, int | None] = field(default_factory=dict)
    left_out: list[tuple[int, str, str]] = field(default_factory=list)  # line, key, text
    written: list[int] = field(default_factory=list)  # the non-blank lines, in order
    any_month: bool = False
    turn: YearTurn | None = None
    block_year: int = 0  # the year of the open block's months (a school year turns)

    # ---------------------------------------------------------- one line

    def feed(self, number: int, raw: str) -> None:
        line = ln.clean_line(number, raw)
        if line is None:
            return  # blank: a paragraph may go on after it, a month block too
        self.written.append(number)
        if ln.is_ad(line.folded):
            self.flush()
            self.left_out.append((number, "reports.ad_skipped", line.text))
            return
        found = ln.label(line.folded)
        if found:
            self.flush()
            self.apply_label(line, *found)
            return
        head = read_months(line.folded)
        if head is not None and not head.valid:
            self.issue(line, "reports.bad_month")
        elif head is not None and self.is_month_heading(line, head):
            self.flush()
            self.open_block(line, head)
            return
        if self.block and line.heading and ln.numbering(line.folded)[0] is not None:
            self.add_items(line, 0)  # "### 3、筹备并召开…" inside a schedule: an item
            return
        marker = ln.section_heading(line.folded)
        if line.heading or marker >= 0 or ln.document_heading(line):
            self.flush()
            self.close_block()
            self.start_section(line, marker)
            self.prose(line)
            self.flush()
            return
        if self.block:
            if self.is_item(line):
                self.add_items(line, 0)
                return
            self.close_block()
        self.prose(line)

    # ---------------------------------------------------------- month blocks

    def is_month_heading(self, line: ln.Line, head: MonthHead) -> bool:
        rest = line.folded[head.end :]
        body = rest.strip()
        if not body or rest[0] in ":\t" or ln.numbering(body)[0] is not None:
            return True
        if head.day is not None:
            return len(body) <= ITEM_MAX and not body.startswith(("前", "以前", "之前"))
        if _theme_colon(rest) >= 0:
            return True  # "三月份活动安排：庆祝三八节，趣味运动会"
        sentence = any(ch in body for ch in ",;。") or past_tense(body)
        return len(body) <= THEME_MAX and not sentence

    def open_block(self, line: ln.Line, head: MonthHead) -> None:
        self.close_block()
        self.any_month = True
        if self.turn is None:
            self.turn = YearTurn(self.year)
        self.block_year, turned = self.turn.year_of(head.months)
        if turned:
            self.issue(line, "reports.next_year", year=self.block_year)
        first = self.heads.get(head.months)
        if first is not None:
            names = "、".join(str(m) for m in head.months)
            self.issue(line, "reports.month_again", months=names, first=first)
        else:
            self.heads[head.months] = line.number
        rest = line.folded[head.end :]
        body_at = head.end + len(rest) - len(rest.lstrip(" :\t-—、,."))
        body = line.text[body_at:].strip()
        listed = bool(rest[:1]) and rest[0] in ":\t"
        colon = _theme_colon(rest) if not listed else -1
        if not body:
            self.block = _Block(head, line.number, None)
        elif colon >= 0:
            theme = ln.trim(line.text[head.end : head.end + colon]) or None
            after = line.text[head.end + colon + 1 :].strip()
            self.block = _Block(head, line.number, theme, style="inline")
            if after:
                self.add_items(line, len(line.text) - len(after), split_commas=True)
        elif listed or head.day is not None or ln.numbering(ln.fold(body))[0] is not None:
            self.block = _Block(head, line.number, None, style="inline")
            self.add_items(line, body_at, split_commas=listed)
        else:
            self.block = _Block(head, line.number, ln.trim(body))

    def close_block(self) -> None:
        block, self.block = self.block, None
        self.block_rows = []
        if block is None or block.items:
            return
        if block.theme:  # "九月份 教师节慰问" with nothing under it: the theme is the activity
            self.add_activity(block, block.theme, block.line, theme=None)
        else:
            self.issue_at(block.line, "", "reports.month_empty")

    def is_item(self, line: ln.Line) -> bool:
        assert self.block is not None
        if ln.numbering(line.folded)[0] is not None:
            self.block.style = self.block.style or "numbered"
            return True
        if self.block.style not in (None, "plain"):
            return False  # an unnumbered line after numbered items: the schedule ended
        inner = line.folded.rstrip("。")
        if len(line.text) > ITEM_MAX or "。" in inner or find_targets(line.text, line.folded):
            return False
        self.block.style = "plain"
        return True

    def add_items(self, line: ln.Line, offset: int, *, split_commas: bool = False) -> None:
        assert self.block is not None
        text, folded = line.text[offset:], line.folded[offset:]
        spans = ln.split_numbered(folded)
        if split_commas and len(spans) == 1 and ln.numbering(folded)[0] is None:
            spans = _split_at(folded, _INLINE_SPLIT)
        for a, b in spans:
            _, skip = ln.numbering(folded[a:b])
            title = ln.trim(text[a + skip : b])
            if not title:
                self.issue(line, "reports.item_empty")
                continue
            self.add_activity(self.block, title, line.number, theme=self.block.theme)

    def add_activity(self, block: _Block, title: str, number: int, *, theme: str | None) -> None:
        head = block.head
        if len(title) > MAX_TITLE:
            self.issue_at(number, title, "reports.title_cut", limit=MAX_TITLE)
            title = title[:MAX_TITLE] + "…"
        block.items += 1
        for row in activity_rows(self.block_year, head, title, theme=theme, line=number):
            if self.duplicate(row.import_key, number, title):
                continue
            self.preview.activities.append(row)
            self.block_rows.append(row)

    # ---------------------------------------------------------- prose and targets

    def prose(self, line: ln.Line) -> None:
        if self.paragraph:
            last = self.paragraph[-1].folded
            joins = last[-1:] not in ln.SENTENCE_END + ":”」)" and (
                ln.numbering(line.folded)[0] is None
            )
            if not joins:
                self.flush()
        self.paragraph.append(line)

    def flush(self) -> None:
        """Look for targets in the paragraph read so far (lines a page break had cut)."""
        para, self.paragraph = self.paragraph, []
        if not para:
            return
        text = "".join(p.text for p in para)
        folded = "".join(p.folded for p in para)
        found = find_targets(text, folded)
        if not found:
            self.left_out.extend((p.number, "reports.not_imported", p.text) for p in para)
            return
        if len(found) > MAX_TARGETS:  # no plan states that many in one paragraph
            self.issue(para[0], "reports.too_many_targets", n=len(found), limit=MAX_TARGETS)
            found = found[:MAX_TARGETS]
        starts = list(itertools.accumulate((len(p.text) for p in para[:-1]), initial=0))
        for f in found:
            row = TargetRow(
                title=f.title,
                value=f.value,
                unit=f.unit,
                metric=f.metric,
                direction=f.direction,
                period=f.period,
                section=self.section,
                note=f.note,
                line=para[bisect.bisect_right(starts, f.at) - 1].number,
            )
            row.import_key = target_key(self.year, row)
            if self.duplicate(row.import_key, row.line, row.title):
                continue
            self.preview.targets.append(row)
            self.want_deadline.append(row)
            self.want_responsible.append(row)

    def start_section(self, line: ln.Line, marker: int) -> None:
        self.want_deadline, self.want_responsible = [], []
        if ln.document_heading(line):
            self.section = None
            return
        text = line.text[max(marker, 0) :]
        for stop in ("。", "：", ":"):
            text = text.split(stop, 1)[0]
        text = ln.trim(text)
        if len(text) > SECTION_SHORT:  # a long heading is named by its first clause
            text = (
                ln.trim(text.replace("，", ",").split(",", 1)[0]) if "," in ln.fold(text) else text
            )
        self.section = text[:SECTION_MAX] or None

    def apply_label(self, line: ln.Line, name: str, at: int) -> None:
        value = ln.trim(line.text[at:])
        used = False
        if name in ln.DEADLINE_LABELS:
            deadline = deadline_of(line.folded[at:], self.year)
            if deadline is not None and not self.block:
                for row in self.want_deadline:
                    row.deadline = row.deadline or deadline
                    used = True
                self.want_deadline = []
        elif value:
            rows = self.block_rows if self.block else self.want_responsible
            for row in rows:
                row.responsible = row.responsible or value
                used = True
            if self.block:
                self.block_rows = []
            else:
                self.want_responsible = []
        if not used:
            self.left_out.append((line.number, "reports.not_imported", line.text))

    # ---------------------------------------------------------- issues

    def duplicate(self, key: str, number: int | None, title: str) -> bool:
        first = self.keys.get(key, -1)
        if first == -1:
            self.keys[key] = number
            return False
        self.issue_at(number, title, "reports.duplicate_item", first=first)
        return True

    def issue(self, line: ln.Line, key: str, **params: object) -> None:
        self.issue_at(line.number, line.text, key, **params)

    def issue_at(self, number: int | None, text: str, key: str, **params: object) -> None:
        self.preview.issues.append(ImportIssue(number, key, _short(text), params, number))

    def finish(self) -> ImportPreview:
        self.flush()
        self.close_block()
        issues = self.preview.issues
        if not self.any_month:
            issues.append(ImportIssue(None, "reports.no_months"))
        issues.extend(_runs(self.left_out, self.written))
        issues.sort(key=lambda i: (i.line is not None, i.line or 0))
        return self.preview


def _theme_colon(rest: str) -> int:
    """Where the colon after a short theme is ("活动安排：…"), or -1."""
    at = rest.find(":", 0, THEME_MAX + 1)
    if at <= 0:
        return -1
    theme = rest[:at]
    return -1 if any(ch in theme for ch in ",;。、") else at


def _split_at(folded: str, seps: str) -> list[tuple[int, int]]:
    spans, lo = [], 0
    for i, ch in enumerate(folded):
        if ch in seps:
            spans.append((lo, i))
            lo = i + 1
    spans.append((lo, len(folded)))
    return spans


def _short(text: str) -> str:
    return text if len(text) <= ISSUE_TEXT_MAX else text[:ISSUE_TEXT_MAX] + "…"


def _runs(left_out: list[tuple[int, str, str]], written: list[int]) -> list[ImportIssue]:
    """Consecutive lines left out for the same reason become one issue: "第 3–37 行".

    Consecutive among the non-blank lines (`written`): a blank line does not break a run,
    a line that was imported does.
    """
    order = {number: k for k, number in enumerate(written)}
    out: list[ImportIssue] = []
    for number, key, text in sorted(left_out):
        last = out[-1] if out else None
        if (
            last is not None
            and last.key == key
            and last.last_line is not None
            and order.get(number, -2) == order.get(last.last_line, -5) + 1
        ):
            out[-1] = ImportIssue(last.line, key, last.text, {}, number, "info")
        else:
            out.append(ImportIssue(number, key, _short(text), {}, number, "info"))
    return out


def parse_plan_text(text: str, year: int, *, source: str = "") -> ImportPreview:
    """The preview of a plan written as text (Simplified or Traditional, Markdown or plain).

    Raises UnionplanError ("reports.err_too_long") for text longer than MAX_CHARS;
    anything else it cannot read becomes an issue of the preview.
    """
    if len(text) > MAX_CHARS:
        raise UnionplanError(f"{len(text)} characters", key="reports.err_too_long", limit=MAX_CHARS)
    reader = _Reader(year, ImportPreview(year, source=source))
    body = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    for number, raw in enumerate(body.split("\n"), start=1):
        reader.feed(number, raw)
    return reader.finish()
