"""Connecting a Google Sheet, for the data page: read the service-account key, test that
the sheet opens, and explain each failure in words a union cadre can act on.

Plain Python. Failures are raised as `unionplan.errors` types whose message key (area
``data``) says what went wrong and what to do next; the page only shows them.
"""

from __future__ import annotations

import importlib.util
import json
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from unionplan.data import schema
from unionplan.data.access import Person, check_admin
from unionplan.data.sheet_address import sheet_key, sheet_url
from unionplan.data.store.base import Store
from unionplan.errors import (
    BackendUnavailableError,
    ConfigError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExceededError,
    UnionplanError,
)
from unionplan.ops.config import DEFAULT_WORKBOOK, Location

_REQUIRED_KEY_FIELDS = ("client_email", "private_key", "token_uri")


@dataclass(frozen=True)
class ServiceAccount:
    """A service-account key as read from JSON: who the sheet must be shared with."""

    email: str
    info: dict[str, Any] = field(repr=False, compare=False)  # holds the private key
    path: str | None = None  # when the key was given as a file on the server
    project_id: str = ""


@dataclass(frozen=True)
class ConnectionCheck:
    """What a successful test found: the sheet's tabs and which unionplan tables exist."""

    key: str
    url: str
    email: str
    tabs: list[str]
    tables_found: list[str]  # table keys whose tab exists (any language)
    tables_missing: list[str]  # created on first use

    @property
    def is_empty(self) -> bool:
        """No unionplan tab yet: a fresh sheet the local workbook can be copied into."""
        return not self.tables_found


def parse_sheet(text: str) -> str:
    """The spreadsheet key of a pasted Sheets URL (or bare key); explains a wrong paste."""
    key = sheet_key(text or "")
    if not key:
        raise ConfigError(f"not a Google Sheets URL: {text!r}", key="data.err.bad_url")
    return key


def read_service_account(source: bytes | str | Path | Mapping[str, Any]) -> ServiceAccount:
    """A service-account key from uploaded bytes, a path to a JSON file on the server, or
    the fields already configured in secrets.toml (a mapping).

    `str` is taken as a path. Checks only what can be checked offline: it is JSON, it is a
    service-account key, and it has the fields Google needs.
    """
    path: str | None = None
    if isinstance(source, Mapping):
        raw = json.dumps({k: v for k, v in source.items() if k != "spreadsheet"}).encode()
    elif isinstance(source, bytes):
        raw = source
    else:
        p = Path(source).expanduser()
        path = str(p)
        if not p.is_file():
            raise ConfigError(f"key file not found: {p}", key="data.err.key_not_found", path=path)
        try:
            raw = p.read_bytes()
        except OSError as exc:
            raise ConfigError(str(exc), key="data.err.key_unreadable", path=path) from exc
    try:
        info = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"key is not JSON: {exc}", key="data.err.key_not_json") from exc
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise ConfigError("not a service-account key", key="data.err.key_not_service_account")
    missing = [f for f in _REQUIRED_KEY_FIELDS if not info.get(f)]
    if missing:
        raise ConfigError(
            f"key lacks {missing}", key="data.err.key_incomplete", fields=", ".join(missing)
        )
    return ServiceAccount(
        email=str(info["client_email"]),
        info=info,
        path=path,
        project_id=str(info.get("project_id", "")),
    )


_STORE_ERRORS = (PermissionDeniedError, NotFoundError, BackendUnavailableError, ConfigError)


def _explain(exc: UnionplanError, email: str) -> UnionplanError:
    """The store's error re-keyed to a message that says what to do about it."""
    detail = exc.detail
    params: dict[str, Any] = {"email": email}  # show_error adds "detail" itself
    if isinstance(exc, PermissionDeniedError):
        return PermissionDeniedError(detail, key="data.err.permission", **params)
    if isinstance(exc, NotFoundError):
        return NotFoundError(detail, key="data.err.not_found", **params)
    if isinstance(exc, QuotaExceededError):
        return QuotaExceededError(detail, key="errors.quota", **params)
    if isinstance(exc, BackendUnavailableError):
        return BackendUnavailableError(detail, key="data.err.unreachable", **params)
    if isinstance(exc, ConfigError):
        if "not enabled" in detail or "has not been used" in detail:
            return ConfigError(detail, key="data.err.api_disabled", **params)
        if "malformed" in detail:
            return ConfigError(detail, key="data.err.key_incomplete", fields="private_key")
        return ConfigError(detail, key="data.err.credentials", **params)
    return UnionplanError(detail, key="data.err.other", **params)


def open_sheet(key: str, account: ServiceAccount | None) -> Store:
    """A Google Sheets store for `key` (the emulator's, when one is configured)."""
    from unionplan.data.store.gsheets import GSheetsStore

    creds = account.info if account else None
    try:
        return GSheetsStore.connect(key, creds)
    except UnionplanError as exc:
        if account is None and isinstance(exc, ConfigError):
            raise ConfigError(exc.detail, key="data.err.no_key") from exc
        raise _explain(exc, account.email if account else "") from exc


def check_connection(sheet: str, account: ServiceAccount | None) -> ConnectionCheck:
    """Open the sheet and list its tabs (one metadata request); raise what went wrong.

    Raises a `UnionplanError` whose key (area ``data.err``) explains the failure.
    """
    key = parse_sheet(sheet)
    store = open_sheet(key, account)
    email = account.email if account else (store.service_account_email() or "")
    try:
        tabs = store.tab_titles()  # type: ignore[attr-defined]
    except UnionplanError as exc:
        raise _explain(exc, email) from exc
    found = {schema.match_tab(t) for t in tabs} - {None}
    return ConnectionCheck(
        key=key,
        url=sheet_url(key),
        email=email,
        tabs=list(tabs),
        tables_found=[k for k in schema.TABLES if k in found],
        tables_missing=[k for k in schema.TABLES if k not in found],
    )


def location_for(check: ConnectionCheck, account: ServiceAccount | None) -> Location:
    """The workbook location that uses the tested sheet (for this session)."""
    creds = dict(account.info) if account else {}
    return Location(
        "gsheets",
        check.key,
        creds,
        account.path if account else None,
        source="session",
    )


def secrets_toml(check: ConnectionCheck, account: ServiceAccount) -> str:
    """A `.streamlit/secrets.toml` that makes the tested sheet the app's workbook for good.

    Holds the private key: it is offered only to the person who uploaded that key.
    """
    lines = ["[connections.gsheets]", f"spreadsheet = {_toml_str(check.url)}"]
    for k, v in account.info.items():
        if isinstance(v, str | int | float | bool):
            lines.append(f"{_toml_key(k)} = {_toml_str(v) if isinstance(v, str) else _toml(v)}")
    text = "\n".join(lines) + "\n"
    tomllib.loads(text)  # what we hand out must parse
    return text


def _toml_key(k: str) -> str:
    return k if k.replace("_", "").replace("-", "").isalnum() and k.isascii() else _toml_str(k)


def _toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _toml(v: Any) -> str:
    return str(v).lower() if isinstance(v, bool) else str(v)


def copy_to(
    src: Store,
    dst: Store,
    *,
    actor: Person,
    progress: Callable[[float, str], None] | None = None,
    backup_dir: Path | None = None,
) -> dict[str, int]:
    """Copy every table of `src` into `dst` (rows per table copied); errors explained.

    Administrators only. The destination is backed up first (a timestamped file, see
    `backup.save_backup`): a copy writes over its header rows.
    """
    from unionplan.ops.backup import save_backup
    from unionplan.ops.transfer import copy_workbook

    check_admin(actor)
    email = dst.service_account_email() or ""
    try:
        save_backup(dst, actor, folder=backup_dir)
        return copy_workbook(src, dst, actor=actor, progress=progress)
    except _STORE_ERRORS as exc:
        raise _explain(exc, email) from exc
    # Any other UnionplanError (e.g. the sheet already holds data) carries its own message.


def configured_account(loc: Location) -> ServiceAccount | None:
    """The key the configured Google workbook uses (secrets or key file), if any."""
    if loc.kind != "gsheets":
        return None
    if loc.credentials.get("client_email"):
        return read_service_account(loc.credentials)
    if loc.keyfile:
        return read_service_account(loc.keyfile)
    return None


def local_location(configured: Location) -> Location | None:
    """The local workbook to copy from: the configured one if local, else the default file."""
    if configured.kind == "xlsx":
        return configured if Path(configured.target).exists() else None
    if DEFAULT_WORKBOOK.exists():
        return Location("xlsx", str(DEFAULT_WORKBOOK), source="default")
    return None


def copy_available() -> bool:
    return importlib.util.find_spec("unionplan.ops.transfer") is not None


def table_label(key: str, lang: str) -> str:
    return schema.TABLES[key].label.get(lang)


def describe_location(loc: Location) -> Mapping[str, str]:
    """Where the workbook is, for the page: kind, place (path or URL), and who chose it."""
    place = sheet_url(loc.target) if loc.kind == "gsheets" else loc.target
    return {"kind": loc.kind, "place": place, "source": loc.source}
