"""The local .xlsx store: reads with calamine; a write edits only the touched sheet's XML and
keeps every other part's content as it was (an openpyxl load + save is 60-110x slower and
drops text boxes and sparklines); openpyxl only for XML it cannot edit safely. See DESIGN.md.

Modules, from the bottom up: values (cell values), zipio (the zip), package (rels, workbook),
styles, sheetxml (edits of one sheet), book (the workbook in memory), fallback (openpyxl),
store (XlsxStore: lock, reload, atomic save).
"""

from unionplan.data.store.xlsx.store import LOCK_TIMEOUT_S, XlsxStore

__all__ = ["LOCK_TIMEOUT_S", "XlsxStore"]
