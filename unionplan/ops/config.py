"""Where the workbook is and how to open it.

Order: the environment variable ``UNIONPLAN_WORKBOOK`` (a path to .xlsx, a Google Sheets
URL or a bare key), else ``.streamlit/secrets.toml`` ``[connections.gsheets]``
(``spreadsheet`` plus service-account fields), else the local default
``data/unionplan.xlsx``. Plain Python: the CLI and the benchmark use it too.

The aid workbook (the hardship files kept apart, see `unionplan.data.split`), when there is
one: ``UNIONPLAN_AID_WORKBOOK`` (a path or a Sheets URL/key), else secrets
``[connections.aid]`` (``spreadsheet``, with its own service-account fields or the plan's),
else the plan workbook's setting ``aid_workbook``, which an administrator sets on the data
page: a Sheets URL/key, or a file name (`AID_NAME`) beside the plan workbook, never a path;
else none, and the aid tables stay in the plan workbook.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from unionplan.data.sheet_address import sheet_key
from unionplan.data.store.base import Store
from unionplan.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_WORKBOOK = ROOT / "data" / "unionplan.xlsx"
SECRETS = ROOT / ".streamlit" / "secrets.toml"
ENV_WORKBOOK = "UNIONPLAN_WORKBOOK"
ENV_AID_WORKBOOK = "UNIONPLAN_AID_WORKBOOK"
AID_SETTING = "aid_workbook"
# A local aid workbook named in the setting: a plain file name (letters of any script,
# digits, "_", "-", "."), no folder, not hidden, ending in .xlsx.
AID_NAME = re.compile(r"[^\W][\w.-]{0,79}\.xlsx", re.IGNORECASE)
ENV_EMULATOR = "UNIONPLAN_SHEETS_EMULATOR_HOST"
ENV_KEYFILE = "UNIONPLAN_SERVICE_ACCOUNT_FILE"
# Backups of a Google workbook taken before a destructive operation (a local workbook's
# go beside it). data/ is git-ignored.
BACKUP_DIR = Path(os.environ.get("UNIONPLAN_BACKUP_DIR") or ROOT / "data" / "backups")


@dataclass(frozen=True)
class Location:
    """A parsed workbook location: a local file or a Google spreadsheet key."""

    kind: str  # "xlsx" | "gsheets"
    target: str  # absolute path, or spreadsheet key
    credentials: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    keyfile: str | None = None
    source: str = "default"  # "env", "secrets", "default", "argument": shown on the data page


def read_secrets(path: Path = SECRETS) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}", key="errors.bad_secrets", path=str(path)) from exc


def parse_location(
    text: str, *, source: str = "argument", credentials: dict[str, Any] | None = None
) -> Location:
    key = sheet_key(text)
    if key:
        return Location("gsheets", key, credentials or {}, os.environ.get(ENV_KEYFILE), source)
    return Location("xlsx", str(Path(text).expanduser().resolve()), source=source)


def resolve_location(secrets_path: Path = SECRETS) -> Location:
    env = os.environ.get(ENV_WORKBOOK, "").strip()
    secrets = read_secrets(secrets_path)
    conn = dict(secrets.get("connections", {}).get("gsheets", {}))
    if env:
        return parse_location(env, source="env", credentials=conn)
    if conn.get("spreadsheet"):
        return parse_location(str(conn["spreadsheet"]), source="secrets", credentials=conn)
    return Location("xlsx", str(DEFAULT_WORKBOOK), source="default")


def open_store(location: Location | str | None = None) -> Store:
    """The store for a location (default: the configured one)."""
    if location is None:
        location = resolve_location()
    elif isinstance(location, str):
        location = parse_location(location)
    if location.kind == "xlsx":
        from unionplan.data.store.xlsx import XlsxStore

        return XlsxStore(location.target)
    from unionplan.data.store.gsheets import GSheetsStore

    return GSheetsStore.from_config(
        location.target, credentials=location.credentials, keyfile=location.keyfile
    )


def default_aid_name(plan: Location) -> str:
    """The aid workbook's file name beside a local plan workbook: ``<plan>-aid.xlsx``."""
    stem = Path(plan.target).stem if plan.kind == "xlsx" else DEFAULT_WORKBOOK.stem
    return f"{stem}-aid.xlsx"


def aid_folder(plan: Location) -> Path:
    """Where a local aid workbook lives: beside a local plan workbook, else in data/."""
    return Path(plan.target).parent if plan.kind == "xlsx" else DEFAULT_WORKBOOK.parent


def aid_setting_location(plan: Location, value: str) -> Location | None:
    """The aid workbook an administrator's setting names (None when blank).

    A Sheets URL/key opens with the plan workbook's key; a file name (`AID_NAME`) lies in
    `aid_folder`. Anything else (a path, "../x.xlsx") is refused: a setting typed in a
    browser or a shared sheet must not name an arbitrary file on the server.
    """
    text = (value or "").strip()
    if not text:
        return None
    key = sheet_key(text)
    if key:
        return Location("gsheets", key, plan.credentials, plan.keyfile, "setting")
    if not AID_NAME.fullmatch(text) or Path(text).name != text:
        raise ConfigError(f"not a workbook file name: {text!r}", key="data.aid.bad_name", name=text)
    return Location("xlsx", str(aid_folder(plan) / text), source="setting")


def resolve_aid_location(
    plan: Location,
    settings: Callable[[], Mapping[str, str]] | None = None,
    secrets_path: Path = SECRETS,
) -> Location | None:
    """The aid workbook to use beside `plan`, or None for one workbook.

    `settings` gives the plan workbook's settings; it is called only when neither the
    environment nor secrets.toml configure one (so a configured server loads nothing).
    """
    env = os.environ.get(ENV_AID_WORKBOOK, "").strip()
    conn = dict(read_secrets(secrets_path).get("connections", {}).get("aid", {}))
    creds = conn if conn.get("client_email") else plan.credentials
    if env:
        return parse_location(env, source="env", credentials=creds)
    if conn.get("spreadsheet"):
        return parse_location(str(conn["spreadsheet"]), source="secrets", credentials=creds)
    if settings is None:
        return None
    return aid_setting_location(plan, settings().get(AID_SETTING, ""))


def open_aid_store(location: Location, lang: str | None = None) -> Store:
    """The aid workbook's store; a missing local file is created (0600, in a 0700 folder
    when the folder is new) with the aid tables' tabs."""
    from unionplan import files
    from unionplan.data import schema, split

    store = open_store(location)
    if location.kind == "xlsx" and not Path(location.target).exists():
        files.private_dir(Path(location.target).parent)
        lang = lang or schema.DEFAULT_LANG
        store.create_tabs(
            {
                schema.TABLES[k].label.get(lang): schema.TABLES[k].headers(lang)
                for k in split.AID_WORKBOOK_TABS
            }
        )
    return store
