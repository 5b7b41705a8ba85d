"""How the Google store talks HTTP: the emulator redirect, request names for counting,
gspread's client with a counter, the service-account key, and Retry-After.

Apart from `gsheets.py` so the store reads as what it asks of Sheets, not how it gets there.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import requests
from gspread.http_client import HTTPClient

from unionplan.errors import ConfigError

EMULATOR_ENV = "UNIONPLAN_SHEETS_EMULATOR_HOST"
SHEETS_ORIGIN = "https://sheets.googleapis.com"
SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)

# POSTs that Google counts as reads (quota) and that change nothing.
READ_KINDS = frozenset({"values.batchGetByDataFilter", "developerMetadata.search"})


class EmulatorSession(requests.Session):
    """A session that sends Sheets API requests to ``http://host:port`` instead of Google.

    Only the origin changes, so the path and query gspread builds reach the fake unchanged.
    """

    def __init__(self, host: str) -> None:
        super().__init__()
        host = host.strip().removeprefix("http://").rstrip("/")
        if not host:
            raise ConfigError(f"{EMULATOR_ENV} is set but empty; expected host:port.")
        self.base = f"http://{host}"

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        if isinstance(url, str) and url.startswith(SHEETS_ORIGIN):
            url = self.base + url[len(SHEETS_ORIGIN) :]
        return super().request(method, url, *args, **kwargs)


def request_kind(method: str, url: str) -> str:
    """A short name for a Sheets request, for RequestStats.by_kind."""
    path = url.split("?", 1)[0]
    if path.endswith("/values:batchGetByDataFilter"):
        return "values.batchGetByDataFilter"
    if path.endswith("/values:batchUpdateByDataFilter"):
        return "values.batchUpdateByDataFilter"
    if path.endswith("/developerMetadata:search"):
        return "developerMetadata.search"
    if path.endswith(":append"):
        return "values.append"
    if path.endswith("/values:batchGet"):
        return "values.batchGet"
    if path.endswith("/values:batchUpdate"):
        return "values.batchUpdate"
    if path.endswith(":batchUpdate"):
        return "spreadsheets.batchUpdate"
    if path.endswith(":clear"):
        return "values.clear"
    if "/values/" in path:
        return "values.get" if method.upper() == "GET" else "values.update"
    return "spreadsheets.get" if method.upper() == "GET" else f"other.{method.lower()}"


class CountingHTTPClient(HTTPClient):
    """gspread's HTTP client, counting each request before it is sent (failed ones too).

    Counting here rather than in the session works for any session: the emulator one, a
    test's, or google-auth's AuthorizedSession (whose token refreshes are not Sheets calls).
    """

    on_request: Callable[[str, str], None] | None = None

    def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> requests.Response:
        if self.on_request is not None:
            self.on_request(method, endpoint)
        return super().request(method, endpoint, *args, **kwargs)


def load_service_account(credentials: Mapping[str, Any] | str | os.PathLike[str]) -> dict:
    """The service-account JSON as a dict, from a mapping (secrets) or a key-file path."""
    if isinstance(credentials, Mapping):
        info = {str(k): v for k, v in credentials.items()}
    else:
        path = Path(credentials)
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(
                f"Service-account key file not found: {path}", path=str(path)
            ) from exc
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"Service-account key file {path} is not readable JSON: {exc}", path=str(path)
            ) from exc
        if not isinstance(info, dict):
            raise ConfigError(f"Service-account key file {path} is not a JSON object.")
    key = info.get("private_key")
    if isinstance(key, str) and "\\n" in key:
        # A key pasted into secrets.toml with single-line quotes keeps literal "\n"s.
        info["private_key"] = key.replace("\\n", "\n")
    return info


def retry_after(response: Any) -> float | None:
    value = getattr(response, "headers", {}).get("Retry-After") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
