"""How long a text may be: the one table of length limits (issue #9).

Three kinds of limit, each for its own reason:

* what a person may type into a form field (`max_chars`): a title is a line, notes a few
  paragraphs; the input widgets stop there, so a pasted book never reaches the workbook;
* what the parsers read (`MAX_PARSE_CHARS`, `MAX_RULE_CHARS`, `MAX_LABEL_CHARS`): a date,
  number or time of day longer than this is not one, so it is reported as too long and
  never handed to a regular expression (Python's `re` holds the interpreter lock: one slow
  match would stall every session);
* what a cell can hold (`MAX_CELL_CHARS`): Excel's limit. A form refuses longer text with
  a message (`cell_problems`), and the workbook layer refuses it whatever writes it.

Plain Python; the form component (`unionplan.ui.forms`) and the domain validators read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # schema reads MAX_LABEL_CHARS from here
    from unionplan.data.schema import Table

MAX_CELL_CHARS = 32_767  # Excel's limit per cell, in UTF-16 code units
MAX_PARSE_CHARS = 64  # a date, a number, an amount, a time of day
MAX_RULE_CHARS = 500  # a rule read piece by piece: "Q1:20%; Q2:50%; Q3:75%; Q4:100%"
MAX_LABEL_CHARS = 200  # a header, a tab title, a choice's label
TEXT_CHARS = 2_000  # free text (notes, situation) unless the table below says otherwise

# Form fields by column key: what a person may type. Keys mean the same in every table.
FIELD_CHARS: dict[str, int] = {
    "title": 200,
    "name": 100,
    "section": 100,
    "location": 200,
    "address": 200,
    "responsible": 100,
    "chair": 100,
    "paired_cadre": 100,
    "handler": 100,
    "approved_by": 100,
    "goods": 200,
    "unit_of_measure": 20,
    "id_number": MAX_PARSE_CHARS,
    "phone": MAX_PARSE_CHARS,
    "time": MAX_PARSE_CHARS,
    "campaign_id": MAX_PARSE_CHARS,
    "milestones": MAX_RULE_CHARS,
    "evidence": 1_000,  # a link to a document can be long
    "union_name": 200,
    "note": TEXT_CHARS,
    "notes": TEXT_CHARS,
    "situation": TEXT_CHARS,
    "details": TEXT_CHARS,
}

# Inputs that are not a column of a table.
INPUT_CHARS: dict[str, int] = {
    "search": 200,  # the activities filter's text search
    "person": 40,  # a person's name in the sidebar
    "sheet_url": 1_000,  # a Google Sheets link, with its #gid=… and ?usp=… tails
    "file_path": 1_000,  # a path on the server
    "narrative": 20_000,  # a report's section as the person edits it before downloading
}

_PARSED_KINDS = frozenset(
    {"int", "number", "money", "quantity", "date", "plandate", "datetime", "version", "bool"}
)


def max_chars(table: Table, key: str) -> int:
    """How many characters a form field for `table`'s column `key` accepts."""
    if key in FIELD_CHARS:
        return FIELD_CHARS[key]
    try:
        kind = table.column(key).kind
    except KeyError:
        return TEXT_CHARS
    return MAX_PARSE_CHARS if kind in _PARSED_KINDS else TEXT_CHARS


def cell_length(text: str) -> int:
    """The length Excel counts: UTF-16 code units (a character beyond U+FFFF is two)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def too_long_for_a_cell(value: Any) -> bool:
    # A cheap test first: most text is far below the limit in any counting.
    return (
        isinstance(value, str)
        and len(value) * 2 > MAX_CELL_CHARS
        and (cell_length(value) > MAX_CELL_CHARS)
    )


def cell_problems(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Fields whose text a cell cannot hold, as validation problems (field -> message keys)."""
    return {k: ["forms.too_long_for_cell"] for k, v in values.items() if too_long_for_a_cell(v)}
