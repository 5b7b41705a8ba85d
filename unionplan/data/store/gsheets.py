"""The Google Sheets store: one spreadsheet, one tab per table, through gspread's HTTP client.

Every call is a small, counted number of Sheets v4 requests (see `GSheetsStore`), retried a
bounded number of times on 429/5xx/timeouts, and mapped onto `unionplan.errors`. Setting
``UNIONPLAN_SHEETS_EMULATOR_HOST=host:port`` sends every request to a local fake instead of
Google (anonymous), the way Google's own ``*_EMULATOR_HOST`` variables work.
"""

from __future__ import annotations

import copy
import os
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import google.auth.exceptions
import gspread
import requests
from gspread.exceptions import APIError
from gspread.utils import absolute_range_name, rowcol_to_a1

from unionplan.data.sheet_address import sheet_key, sheet_url
from unionplan.data.store.base import Cell, Grid, Plan, RowUpdate, Store
from unionplan.data.store.gsheets_cells import (
    append_anchor_row,
    cell_data,
    cell_runs,
    json_cell,
    row_runs,
)
from unionplan.data.store.gsheets_http import (
    EMULATOR_ENV,
    READ_KINDS,
    SCOPES,
    CountingHTTPClient,
    EmulatorSession,
    load_service_account,
    request_kind,
    retry_after,
)
from unionplan.data.store.gsheets_pace import QUOTA_ENV, Pacer, process_pacer
from unionplan.data.values import is_blank
from unionplan.errors import (
    BackendUnavailableError,
    ConfigError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExceededError,
    UnionplanError,
)

T = TypeVar("T")


@dataclass
class _Failure:
    """What one failed request means: retry it?  could it have been applied by Google?"""

    retryable: bool
    may_have_applied: bool
    error: UnionplanError
    retry_after: float | None = None


class GSheetsStore(Store):
    """A `Store` on one Google spreadsheet, via gspread 6's HTTP client.

    Requests per operation when nothing fails:
      - first ``read_all``: spreadsheets.get (tab titles, cached) + values:batchGet = 2;
        later ``read_all``: 1 (values:batchGet over every tab);
      - ``read_tab``: 1 values.get;
      - ``create_tabs``: 1 spreadsheets:batchUpdate (addSheet + updateCells for headers),
        plus the metadata read if not cached yet; the reply updates the cached metadata;
      - ``append_rows``: 1 values:append;
      - ``update_cells``: 1 values:batchUpdate.
    """

    kind = "gsheets"

    def __init__(
        self,
        spreadsheet: str | None = None,
        credentials: Mapping[str, Any] | str | os.PathLike[str] | None = None,
        *,
        # With these defaults a dead connection gives up after about a minute (5 tries of
        # 10 s plus ~7.5 s of backoff): long enough for a blip, short enough that a cadre
        # at the form is told, with what they typed still there.
        timeout: float = 10.0,
        max_retries: int = 4,
        session: requests.Session | None = None,
        emulator_host: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        backoff_base: float = 0.5,
        backoff_cap: float = 8.0,
        rng: Callable[[], float] = random.random,
        pacer: Pacer | bool | None = True,
    ) -> None:
        """Open ``spreadsheet`` (a key or URL).

        ``credentials`` is a service-account info mapping (secrets ``[connections.gsheets]``,
        which may also carry ``spreadsheet``) or a key-file path. With ``session`` or
        ``emulator_host`` the requests go out unauthenticated through that session and the
        credentials only name the account for error messages.

        ``pacer`` paces requests under the quota: True means the process-wide one when
        talking to Google (or to an emulator only if ``UNIONPLAN_SHEETS_QUOTA`` is set),
        a `Pacer` that one, None or False none.
        """
        super().__init__()
        info = load_service_account(credentials) if credentials is not None else None
        if spreadsheet is None and info is not None:
            spreadsheet = info.get("spreadsheet")
        if not spreadsheet:
            raise ConfigError("No spreadsheet URL or key configured.")
        key = sheet_key(str(spreadsheet))
        if key is None:
            raise ConfigError(
                f"Not a Google Sheets URL or key: {spreadsheet!r}. Expected "
                "https://docs.google.com/spreadsheets/d/<KEY>/… or the <KEY> itself.",
                value=str(spreadsheet),
            )
        self.key = key
        self._email: str | None = (info or {}).get("client_email") or None
        self.timeout = timeout
        self.max_retries = max(0, int(max_retries))
        self._sleep = sleep
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._rng = rng

        if pacer is True:
            talks_to_google = session is None and not emulator_host
            pacer = process_pacer() if talks_to_google or os.environ.get(QUOTA_ENV) else None
        self.pacer: Pacer | None = pacer or None
        if session is None and emulator_host:
            session = EmulatorSession(emulator_host)
        if session is None:
            session = self._authorized_session(info, timeout)
        client = gspread.Client(auth=None, session=session, http_client=CountingHTTPClient)
        http = client.http_client
        assert isinstance(http, CountingHTTPClient)
        http.on_request = self._count
        http.set_timeout(timeout)
        self._client = client
        self._http: CountingHTTPClient = http

        self._lock = threading.Lock()
        self._meta: list[dict[str, Any]] | None = None  # sheets[].properties, in tab order
        self._anchor: dict[str, int] = {}  # title -> append table_range row, from last read
        self._ends: dict[str, int] = {}  # title -> rows in the tab at the last read

    @classmethod
    def connect(
        cls,
        spreadsheet: str | None = None,
        credentials: Mapping[str, Any] | str | os.PathLike[str] | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        **options: Any,
    ) -> GSheetsStore:
        """The store the app uses: honours ``UNIONPLAN_SHEETS_EMULATOR_HOST=host:port``.

        With the variable set, no credentials are needed and every request to
        https://sheets.googleapis.com goes to http://host:port instead, anonymously.
        """
        env = os.environ if environ is None else environ
        host = env.get(EMULATOR_ENV, "").strip()
        if host:
            return cls(spreadsheet, credentials, emulator_host=host, **options)
        if credentials is None:
            raise ConfigError(
                "Google Sheets needs service-account credentials "
                "(secrets [connections.gsheets]) or " + EMULATOR_ENV + "."
            )
        return cls(spreadsheet, credentials, **options)

    @classmethod
    def from_config(
        cls,
        spreadsheet: str | None,
        *,
        credentials: Mapping[str, Any] | None = None,
        keyfile: str | os.PathLike[str] | None = None,
        environ: Mapping[str, str] | None = None,
        **options: Any,
    ) -> GSheetsStore:
        """`connect` for `unionplan.ops.config`: secrets fields, else a key file, else none.

        ``credentials`` may hold only ``spreadsheet`` (no key fields): then ``keyfile``.
        """
        has_key = credentials is not None and (
            "private_key" in credentials or "client_email" in credentials
        )
        creds: Mapping[str, Any] | str | os.PathLike[str] | None = (
            credentials if has_key else keyfile
        )
        return cls.connect(spreadsheet, creds, environ=environ, **options)

    @staticmethod
    def _authorized_session(info: dict | None, timeout: float) -> requests.Session:
        if info is None:
            raise ConfigError("Google Sheets needs service-account credentials.")
        from google.auth.transport.requests import AuthorizedSession
        from google.oauth2 import service_account

        try:
            creds = service_account.Credentials.from_service_account_info(info, scopes=SCOPES)
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"The service-account credentials are malformed: {exc}") from exc
        # refresh_timeout bounds the token request too, not only the Sheets calls.
        return AuthorizedSession(creds, refresh_timeout=timeout)

    # -- Store interface -------------------------------------------------------------------

    @property
    def location(self) -> str:
        return sheet_url(self.key)

    def service_account_email(self) -> str | None:
        return self._email

    def read_all(self) -> dict[str, Grid]:
        titles = self.tab_titles()
        try:
            return self._batch_get(titles)
        except NotFoundError as exc:
            if exc.params.get("missing") != "tab":
                raise
            # A tab was renamed or deleted in the sheet since the metadata was cached.
            return self._batch_get(self.tab_titles(refresh=True))

    def read_tab(self, title: str) -> Grid:
        params = {"valueRenderOption": "FORMATTED_VALUE", "majorDimension": "ROWS"}
        reply = self._retrying(
            lambda: self._http.values_get(self.key, absolute_range_name(title), params=params),
            what=f"reading tab {title!r}",
        )
        grid = [list(row) for row in reply.get("values", [])]
        self._anchor[title] = append_anchor_row(grid)
        self._ends[title] = len(grid)
        return grid

    def create_tabs(self, tabs: dict[str, list[str]]) -> None:
        for attempt in range(2):
            existing = self.tab_titles(refresh=attempt > 0)
            missing = {t: h for t, h in tabs.items() if t not in existing}
            if not missing:
                return
            try:
                self._add_tabs(missing)
                return
            except UnionplanError as exc:
                # A tab of that name appeared meanwhile (another user, or our own earlier
                # attempt that timed out but landed): re-read the tabs and try the rest.
                cause = exc.__cause__
                if attempt or not (isinstance(cause, APIError) and "already exists" in str(cause)):
                    raise

    def append_rows(self, title: str, rows: Sequence[Sequence[Cell]], *, id_col: int) -> None:
        pending = [[json_cell(v) for v in row] for row in rows]
        if not pending:
            return
        worksheet = self._worksheet(title)
        anchor = f"A{self._anchor.get(title, 1)}"

        def landed() -> bool:
            # Google may have applied the append before the reply was lost: drop the rows
            # whose id already landed so a retry never duplicates one.
            nonlocal pending
            pending = self._not_landed(title, pending, id_col)
            return not pending

        self._retrying(
            lambda: worksheet.append_rows(
                pending,
                value_input_option="RAW",  # text such as "=1+1" stays text
                insert_data_option="INSERT_ROWS",
                table_range=anchor,
            ),
            what=f"appending to {title!r}",
            landed=landed,
        )

    def update_cells(self, title: str, cells: Sequence[tuple[int, int, Cell]]) -> None:
        data = [
            {"range": absolute_range_name(title, rng), "values": [values]}
            for rng, values in row_runs(cells)
        ]
        if not data:
            return
        body = {"valueInputOption": "RAW", "data": data}
        self._retrying(
            lambda: self._http.values_batch_update(self.key, body=body),
            what=f"updating tab {title!r}",
        )

    def write(
        self,
        *,
        appends: Sequence[tuple[str, Sequence[Sequence[Cell]], int]] = (),
        updates: Sequence[tuple[str, Sequence[tuple[int, int, Cell]]]] = (),
    ) -> None:
        """Updates and appends in ONE spreadsheets:batchUpdate, which Google applies
        atomically: a record's row and its audit row land together or not at all.

        updateCells/appendCells with ``userEnteredValue.stringValue`` store text as text
        (never a formula), like RAW. appendCells adds after the last row with data, so a
        blank row left in the sheet by hand cannot make a new row land in the middle.
        """
        ids = self._sheet_ids([t for t, _ in updates] + [t for t, _, _ in appends])
        if ids is None:
            # A tab we have no sheetId for yet (metadata not fetched): the plain requests
            # address tabs by title. Not atomic, and counted request by request.
            for title, cells in updates:
                self.update_cells(title, cells)
            for title, rows, id_col in appends:
                self.append_rows(title, rows, id_col=id_col)
            return
        requests_: list[dict[str, Any]] = []
        for title, cells in updates:
            for row, col, values in cell_runs(cells):
                start = {"sheetId": ids[title], "rowIndex": row - 1, "columnIndex": col - 1}
                requests_.append(
                    {
                        "updateCells": {
                            "start": start,
                            "rows": [{"values": [cell_data(v) for v in values]}],
                            "fields": "userEnteredValue",
                        }
                    }
                )
        for title, rows, _ in appends:
            if rows:
                requests_.append(
                    {
                        "appendCells": {
                            "sheetId": ids[title],
                            "rows": [{"values": [cell_data(v) for v in r]} for r in rows],
                            "fields": "userEnteredValue",
                        }
                    }
                )
        if not requests_:
            return
        body = {"requests": requests_}
        what = "saving to " + ", ".join(dict.fromkeys(t for t, *_ in [*updates, *appends]))
        probe = next(((t, rows[0], c) for t, rows, c in appends if rows), None)

        def landed() -> bool:
            # The batch is atomic: if its first appended row is there, all of it landed
            # before the reply was lost, and a retry would duplicate it.
            if probe is None:
                return False
            title, row, id_col = probe
            return not self._not_landed(title, [[json_cell(v) for v in row]], id_col)

        self._retrying(lambda: self._http.batch_update(self.key, body), what=what, landed=landed)

    def write_rows(
        self, rows: Sequence[RowUpdate], plan: Plan, *, reserve: Mapping[str, int]
    ) -> None:
        """Four requests, each row found through a temporary claim on it (CONCURRENCY.md)."""
        from unionplan.data.store.gsheets_rows import RowWriter

        RowWriter(self, rows).run(plan, reserve)

    def clip_ends(self) -> None:
        """No tab end past the tab's row count (a person deleted rows since the last read)."""
        with self._lock:
            counts = {
                p.get("title"): int(p.get("gridProperties", {}).get("rowCount", 0))
                for p in self._meta or []
            }
        for title, end in list(self._ends.items()):
            if title in counts:
                self._ends[title] = min(end, counts[title])

    def _sheet_ids(self, titles: Sequence[str]) -> dict[str, int] | None:
        with self._lock:
            known = {p.get("title"): p.get("sheetId") for p in self._meta or []}
        if any(known.get(t) is None for t in titles):
            return None
        return {t: int(known[t]) for t in titles}

    # -- helpers -----------------------------------------------------------------------------

    def tab_titles(self, *, refresh: bool = False) -> list[str]:
        """Grid tab titles in order, from metadata fetched once (or again when ``refresh``).

        Chart and data-source sheets are left out: they have no cells to read.
        """
        with self._lock:
            if self._meta is None or refresh:
                # Only the tab properties: the full metadata (theme, formats) is many kB.
                params = {"includeGridData": "false", "fields": "sheets.properties"}
                meta = self._retrying(
                    lambda: self._http.fetch_sheet_metadata(self.key, params=dict(params)),
                    what="opening the spreadsheet",
                )
                self._meta = [s["properties"] for s in meta.get("sheets", [])]
            return [p["title"] for p in self._meta if p.get("sheetType", "GRID") == "GRID"]

    def _batch_get(self, titles: list[str]) -> dict[str, Grid]:
        params = {"valueRenderOption": "FORMATTED_VALUE", "majorDimension": "ROWS"}
        ranges = [absolute_range_name(t) for t in titles]
        reply = self._retrying(
            lambda: self._http.values_batch_get(self.key, ranges, params=dict(params)),
            what="reading the spreadsheet",
        )
        value_ranges = reply.get("valueRanges", [])
        out: dict[str, Grid] = {}
        for title, vr in zip(titles, value_ranges, strict=False):
            grid = [list(row) for row in vr.get("values", [])]
            out[title] = grid
            self._anchor[title] = append_anchor_row(grid)
            self._ends[title] = len(grid)
        return out

    def _add_tabs(self, missing: dict[str, list[str]]) -> None:
        with self._lock:
            used = {int(p.get("sheetId", 0)) for p in self._meta or []}
        requests_: list[dict[str, Any]] = []
        for title, header in missing.items():
            sheet_id = _new_sheet_id(used)
            used.add(sheet_id)
            grid = {"rowCount": 1000, "columnCount": max(26, len(header)), "frozenRowCount": 1}
            props = {"sheetId": sheet_id, "title": title, "gridProperties": grid}
            requests_.append({"addSheet": {"properties": props}})
            if header:
                # Same request as the addSheet, so a tab never exists without its header.
                cells = [{"userEnteredValue": {"stringValue": str(h)}} for h in header]
                start = {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0}
                requests_.append(
                    {
                        "updateCells": {
                            "start": start,
                            "rows": [{"values": cells}],
                            "fields": "userEnteredValue",
                        }
                    }
                )
        reply = self._retrying(
            lambda: self._http.batch_update(self.key, {"requests": requests_}),
            what="creating tabs " + ", ".join(missing),
        )
        added = [r["addSheet"]["properties"] for r in reply.get("replies", []) if "addSheet" in r]
        with self._lock:
            if self._meta is not None:
                self._meta.extend(added)
                self._meta.sort(key=lambda p: p.get("index", 0))
        for props in added:
            self._anchor[props["title"]] = 1

    def _worksheet(self, title: str) -> gspread.Worksheet:
        """A gspread Worksheet for ``title`` without a metadata request.

        gspread's Worksheet only needs the title, the spreadsheet id and the HTTP client for
        append_rows; the Spreadsheet object is not touched, so none is built (building one
        costs a metadata request).
        """
        props: dict[str, Any] | None = None
        with self._lock:
            for p in self._meta or []:
                if p.get("title") == title:
                    props = copy.deepcopy(p)
        if props is None:
            props = {"title": title, "sheetId": -1, "index": -1}
        props.setdefault("gridProperties", {}).setdefault("rowCount", 0)
        return gspread.Worksheet(None, props, self.key, self._http)  # type: ignore[arg-type]

    def _not_landed(self, title: str, rows: list[list[Any]], id_col: int) -> list[list[Any]]:
        """The rows whose id is not yet in the tab's id column (one read)."""
        col = rowcol_to_a1(1, id_col).rstrip("1")
        params = {"valueRenderOption": "FORMATTED_VALUE", "majorDimension": "ROWS"}
        rng = absolute_range_name(title, f"{col}:{col}")
        reply = self._retrying(
            lambda: self._http.values_get(self.key, rng, params=params),
            what=f"checking which rows reached {title!r}",
        )
        landed = {str(r[0]) for r in reply.get("values", []) if r and not is_blank(r[0])}
        idx = id_col - 1
        return [
            row for row in rows if not (len(row) > idx and str(row[idx]) in landed and row[idx])
        ]

    def _retrying(
        self, call: Callable[[], T], *, what: str, landed: Callable[[], bool] | None = None
    ) -> T:
        """Run one request, retrying 429/5xx/timeouts with capped, jittered backoff.

        For a write (a call that returns nothing), `landed` is asked after a failure that
        may have been applied anyway (a timeout after sending): True means the write is
        complete, so it is not sent again.
        """
        attempt = 0
        while True:
            try:
                return call()
            except (
                APIError,
                requests.RequestException,
                google.auth.exceptions.GoogleAuthError,
            ) as exc:
                failure = self._classify(exc, what)
                if not failure.retryable:
                    raise failure.error from exc
                if failure.may_have_applied and landed is not None and landed():
                    return cast(T, None)
                if attempt >= self.max_retries:
                    raise failure.error from exc
                attempt += 1
                self._pause(attempt, failure)

    def _pause(self, attempt: int, failure: _Failure) -> None:
        self.stats.retries += 1
        delay = min(self._backoff_cap, self._backoff_base * 2 ** (attempt - 1))
        # "Equal jitter": never less than half the step, so a quota minute can pass.
        delay = delay / 2 + self._rng() * delay / 2
        if failure.retry_after is not None:
            delay = max(delay, min(self._backoff_cap, failure.retry_after))
        self._sleep(delay)

    def _count(self, method: str, url: str) -> None:
        kind = request_kind(method, url)
        write = method.upper() != "GET" and kind not in READ_KINDS
        if self.pacer is not None:
            self.pacer.acquire(write=write)  # the quota is shared by every session
        self.stats.count(kind, write=write)

    def _classify(self, exc: BaseException, what: str) -> _Failure:
        """Map a gspread/requests/google-auth exception to a retry decision and our error."""
        where = self.location
        if isinstance(exc, APIError):
            return self._classify_api_error(exc, what)
        if isinstance(exc, requests.ConnectTimeout):
            msg = f"Google Sheets could not be reached while {what} (connect timeout)."
            return _Failure(True, False, BackendUnavailableError(msg, url=where))
        if isinstance(exc, requests.Timeout):
            msg = f"Google Sheets did not answer within {self.timeout:g} s while {what}."
            return _Failure(True, True, BackendUnavailableError(msg, url=where))
        if isinstance(exc, requests.RequestException):
            # The connection broke: the request may or may not have been applied.
            msg = f"The connection to Google Sheets failed while {what}: {exc}"
            return _Failure(True, True, BackendUnavailableError(msg, url=where))
        if isinstance(exc, google.auth.exceptions.RefreshError):
            retry = bool(getattr(exc, "retryable", False))
            msg = f"Google rejected the service-account credentials: {exc}"
            err: UnionplanError = BackendUnavailableError(msg) if retry else ConfigError(msg)
            return _Failure(retry, False, err)
        # TransportError and other google-auth trouble fetching a token: nothing was sent.
        msg = f"Could not get a Google access token while {what}: {exc}"
        return _Failure(True, False, BackendUnavailableError(msg, url=where))

    def _classify_api_error(self, exc: APIError, what: str) -> _Failure:
        # A 502 from Google's front end is an HTML page: gspread then reports code -1, so the
        # HTTP status of the response is what counts.
        response = getattr(exc, "response", None)
        status = getattr(response, "status_code", None) or int(exc.code or 0)
        error = exc.error if isinstance(exc.error, Mapping) else {}
        google_status = str(error.get("status", ""))
        message = str(error.get("message", "")) if exc.code != -1 else f"HTTP {status}"
        where = self.location
        wait = retry_after(response)
        if status == 429:
            msg = f"Google Sheets quota exceeded while {what} (429 {google_status}): {message}"
            return _Failure(True, False, QuotaExceededError(msg, url=where), wait)
        if status >= 500 or status == 408:
            msg = f"Google Sheets failed while {what} (HTTP {status}): {message}"
            return _Failure(True, True, BackendUnavailableError(msg, url=where), wait)
        if status == 403:
            if "has not been used" in message or "is disabled" in message:
                msg = f"The Google Sheets API is not enabled for this project: {message}"
                return _Failure(False, False, ConfigError(msg, url=where))
            email = self._email or "the app's service account"
            msg = (
                f"No access to {where}: share the spreadsheet with {email} as an editor "
                f"(Google said: {message})."
            )
            return _Failure(False, False, PermissionDeniedError(msg, email=email, url=where))
        if status == 404:
            msg = f"Spreadsheet not found while {what}: check the URL/key ({where})."
            return _Failure(False, False, NotFoundError(msg, url=where, missing="spreadsheet"))
        if status == 401:
            msg = f"Google rejected the credentials (401 {google_status}): {message}"
            return _Failure(False, False, ConfigError(msg, url=where))
        if status == 400 and "Unable to parse range" in message:
            msg = f"A tab is missing in {where} while {what}: {message}"
            return _Failure(False, False, NotFoundError(msg, url=where, missing="tab"))
        msg = f"Google Sheets refused a request while {what} (HTTP {status}): {message}"
        return _Failure(False, False, UnionplanError(msg, url=where))


def _new_sheet_id(used: set[int]) -> int:
    """A fresh sheetId: chosen by us so updateCells can refer to it in the same batch."""
    while True:
        candidate = random.randrange(1, 2**31 - 1)
        if candidate not in used:
            return candidate
