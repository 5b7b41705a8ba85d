"""The one error hierarchy of unionplan.

Every error carries a message key (looked up in the locale catalogue, area ``errors``)
and parameters, so a page can show it in the user's language with ``ui.show_error``.
Nothing else in the app is caught broadly.
"""

from __future__ import annotations

from typing import Any


class UnionplanError(Exception):
    """Base of every error the app expects and explains to the user."""

    key: str = "errors.generic"

    def __init__(self, detail: str = "", *, key: str | None = None, **params: Any) -> None:
        super().__init__(detail or (key or self.key))
        if key:
            self.key = key
        self.detail = detail
        self.params = params


class ValidationError(UnionplanError):
    """A record failed validation; ``problems`` maps field key -> list of message keys."""

    key = "errors.validation"

    def __init__(self, problems: dict[str, list[str]], detail: str = "") -> None:
        super().__init__(detail or "; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


class ConflictError(UnionplanError):
    """Someone else changed the row since it was read.

    Carries both sides so a page can show the other person's version beside the user's.
    """

    key = "errors.conflict"

    def __init__(
        self,
        table: str,
        record_id: str,
        expected_version: int,
        current_version: int | None,
        current: dict[str, Any] | None = None,
        attempted: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(
            f"{table}/{record_id}: expected version {expected_version}, found {current_version}",
            table=table,
            record_id=record_id,
            expected=expected_version,
            found=current_version,
        )
        self.table = table
        self.record_id = record_id
        self.expected_version = expected_version
        self.current_version = current_version
        self.current = current or {}
        self.attempted = attempted or {}


class NotFoundError(UnionplanError):
    """A record id, a tab or a workbook does not exist."""

    key = "errors.not_found"


class PermissionDeniedError(UnionplanError):
    """Access refused: the signed-in person may not do this (unionplan.data.access, keys
    ``errors.access_*``), or the backend refused (Google: the sheet is not shared)."""

    key = "errors.permission"


class BackendUnavailableError(UnionplanError):
    """The store could not be reached or kept failing after the bounded retries."""

    key = "errors.backend_unavailable"


class WorkbookOpenElsewhereError(UnionplanError):
    """The local workbook is open in Excel, WPS or LibreOffice (their lock file is beside it).

    The app does not write then: the person saving in the office program afterwards would
    overwrite the app's rows with the copy they have open. Reading still works. ``lock``
    is the lock file's path, for an admin who knows it is left over from a crash.
    """

    key = "errors.open_elsewhere"


class StoreChangedError(BackendUnavailableError):
    """The workbook changed on disk while a save was being prepared (a person saved it in
    Excel meanwhile). Nothing was written; the workbook layer runs the save again on the
    new content, so the person's save is never overwritten."""


class QuotaExceededError(BackendUnavailableError):
    """Google's per-minute quota is exhausted even after backing off."""

    key = "errors.quota"


class ConfigError(UnionplanError):
    """The workbook location or credentials are missing or malformed."""

    key = "errors.config"
