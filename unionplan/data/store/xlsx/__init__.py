"""The local .xlsx store: reads with calamine; a write edits only the touched sheet's XML and
copies every other part of the file as it was (openpyxl load + save is ~30x slower and drops
charts); falls back to openpyxl for XML it cannot edit safely. Why and when: DESIGN.md.

Modules, from the bottom up: values (cell values), zipio (the zip), package (rels, workbook),
styles, sheetxml (edits of one sheet), book (the workbook in memory), fallback (openpyxl),
store (XlsxStore: lock, reload, atomic save).
"""

from unionplan.data.store.xlsx.store import LOCK_TIMEOUT_S, XlsxStore

__all__ = ["LOCK_TIMEOUT_S", "XlsxStore"]
