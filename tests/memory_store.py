"""An in-memory Store for workbook-layer tests: grids in a dict, requests counted."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Sequence

from unionplan.data.store.base import Cell, Grid, Store
from unionplan.errors import NotFoundError

_SERIAL = itertools.count(1)


class MemoryStore(Store):
    kind = "memory"

    def __init__(self, grids: dict[str, Grid] | None = None, name: str = "mem") -> None:
        super().__init__()
        self.grids: dict[str, Grid] = copy.deepcopy(grids or {})
        # A unique location per instance: the workbook cache is keyed by location, and
        # id(self) can be reused once an earlier store is garbage-collected.
        self._name = f"{name}-{next(_SERIAL)}"
        self._version = 0

    @property
    def location(self) -> str:
        return f"memory://{self._name}"

    def read_all(self) -> dict[str, Grid]:
        self.stats.count("read_all", write=False)
        return copy.deepcopy(self.grids)

    def read_tab(self, title: str) -> Grid:
        self.stats.count("read_tab", write=False)
        if title not in self.grids:
            raise NotFoundError(title)
        return copy.deepcopy(self.grids[title])

    def create_tabs(self, tabs: dict[str, list[str]]) -> None:
        self.stats.count("create_tabs", write=True)
        for title, header in tabs.items():
            self.grids.setdefault(title, [list(header)])
        self._version += 1

    def append_rows(self, title: str, rows: Sequence[Sequence[Cell]], *, id_col: int) -> None:
        self.stats.count("append", write=True)
        self.grids[title].extend([list(r) for r in rows])
        self._version += 1

    def update_cells(self, title: str, cells: Sequence[tuple[int, int, Cell]]) -> None:
        self.stats.count("update", write=True)
        grid = self.grids[title]
        for r, c, v in cells:
            while len(grid) < r:
                grid.append([])
            row = grid[r - 1]
            while len(row) < c:
                row.append(None)
            row[c - 1] = v
        self._version += 1

    def change_token(self) -> object:
        return self._version
