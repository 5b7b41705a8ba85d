"""Where the workbook is and how to open it.

Order: the environment variable ``UNIONPLAN_WORKBOOK`` (a path to .xlsx, a Google Sheets
URL or a bare key), else ``.streamlit/secrets.toml`` ``[connections.gsheets]``
(``spreadsheet`` plus service-account fields), else the local default
``data/unionplan.xlsx``. Plain Python: the CLI and the benchmark use it too.
"""

from __future__ import annotations

import os
import tomllib
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
