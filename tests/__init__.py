"""unionplan's tests; they mirror the packages of unionplan/.

`ROOT` is the repository root (app.py, pages/, unionplan/), the one place tests find it.
Shared fixtures are in tests/conftest.py, page-test fixtures in tests/pages/conftest.py.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
