"""Browser-test fixtures: a real `streamlit run app.py` on a free localhost port against a
temporary demo workbook, and headless Debian chromium driven by Playwright.

Reusable by every browser test: ask for `app_server` (session-wide server), `browser`,
and use `open_app(browser, app_server, path, lang=…, viewport=…)` to get a page whose
script run has finished. Playwright's own browser download is not used: chromium comes
from the system (/usr/bin/chromium); without it the tests skip, saying why.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
START_TIMEOUT_S = 90  # a cold start imports pandas, plotly and streamlit
RUN_TIMEOUT_MS = 90_000  # one script run, first load of the workbook included
LANG = "zh-Hans"
PASSWORD = "春风十里不如你-2026"  # of the accounts of `accounts_server`
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

# Every page the navigation shows, by name: its script is pages/<name>.py, its title
# common.nav.<name>, its URL path `url_for(name)`.
PAGES = [
    "overview",
    "calendar",
    "activities",
    "targets",
    "aid_cases",
    "aid_payments",
    "aid_campaigns",
    "reports",
    "plan_import",
    "new_plan",
    "data",
    "users",
]


def url_for(name: str) -> str:
    """The page's URL path (the default page is the root)."""
    return "" if name == "overview" else name


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class AppServer:
    url: str
    workbook: Path
    process: subprocess.Popen[bytes]
    log: Path

    def log_tail(self, n: int = 60) -> str:
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(lines[-n:])


def start_app(workbook: Path, log: Path, *, extra_env: dict[str, str] | None = None) -> AppServer:
    """Start `streamlit run app.py` and wait until its health endpoint answers."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIONPLAN_")}
    env.update({"UNIONPLAN_WORKBOOK": str(workbook), "PYTHONUNBUFFERED": "1"})
    # Single-person mode unless a test brings its accounts: never the checkout's own
    # data/users.toml, which would put a developer's accounts in front of every test.
    env["UNIONPLAN_USERS_FILE"] = str(log.parent / "no-accounts" / "users.toml")
    env.update(extra_env or {})
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        # Full details in tests: a failing screenshot should show the traceback.
        "--client.showErrorDetails",
        "full",
    ]
    out = log.open("wb")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = AppServer(f"http://127.0.0.1:{port}", workbook, proc, log)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            pass
        time.sleep(0.25)
    stop_app(server)
    raise RuntimeError(f"streamlit did not answer within {START_TIMEOUT_S}s:\n{server.log_tail()}")


def stop_app(server: AppServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=15)


def demo_workbook(path: Path) -> Path:
    from unionplan.ops import demo

    demo.create_demo(path, year=dt.date.today().year)
    return path


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """One app server for the whole test session, on a temporary demo workbook."""
    tmp = tmp_path_factory.mktemp("app")
    server = start_app(demo_workbook(tmp / "unionplan.xlsx"), tmp / "streamlit.log")
    yield server
    stop_app(server)


@pytest.fixture(scope="session")
def accounts_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """An app server with accounts (one for the session: a server start costs seconds): an
    administrator "boss" and a viewer "leader", both with PASSWORD."""
    from argon2 import PasswordHasher

    from tests.people import admin
    from unionplan.auth import manage, passwords
    from unionplan.auth.accounts import UsersFile

    tmp = tmp_path_factory.mktemp("accounts")
    users_file = tmp / "users.toml"
    passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    try:
        users = UsersFile(users_file)
        manage.add_account(users, admin(), "boss", ["admin"], password=PASSWORD, name="孙主席")
        manage.add_account(users, admin(), "leader", ["viewer"], password=PASSWORD, name="书记")
    finally:
        passwords.use_hasher(PasswordHasher())
    server = start_app(
        demo_workbook(tmp / "unionplan.xlsx"),
        tmp / "streamlit.log",
        extra_env={"UNIONPLAN_USERS_FILE": str(users_file)},
    )
    yield server
    stop_app(server)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def wait_for_run(page: object, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """Wait until the app is connected and its script run has finished."""
    page.wait_for_selector(  # type: ignore[attr-defined]
        '[data-testid="stApp"][data-test-script-state="notRunning"]',
        state="attached",
        timeout=timeout_ms,
    )
    page.wait_for_selector(  # type: ignore[attr-defined]
        '[data-testid="stStatusWidget"]', state="detached", timeout=timeout_ms
    )
    wait_for_render(page, timeout_ms)


def sign_in(page: object, login: str, password: str, lang: str = LANG) -> None:
    """Fill in the sign-in form and send it; the run it starts has finished."""
    from unionplan import i18n

    # exact: English "Password" would also match the "Show password" button
    page.get_by_label(i18n.t("auth.login", lang), exact=True).fill(login)  # type: ignore[attr-defined]
    page.get_by_label(i18n.t("auth.password", lang), exact=True).fill(password)  # type: ignore[attr-defined]
    button = page.get_by_role("button", name=i18n.t("auth.signin_button", lang))  # type: ignore[attr-defined]
    button.click()
    wait_for_run(page)


def wait_for_render(page: object, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """Wait until lazily loaded elements (charts, tables) replaced their placeholders."""
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=timeout_ms
    )


def open_app(
    browser: object,
    server: AppServer,
    name: str,
    *,
    lang: str | None = None,
    viewport: dict[str, int] = DESKTOP,
) -> object:
    """A new browser context (a new session) showing page `name`, its run finished."""
    context = browser.new_context(viewport=viewport, locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    query = f"?lang={lang}" if lang else ""
    page.goto(f"{server.url}/{url_for(name)}{query}", timeout=RUN_TIMEOUT_MS)
    wait_for_run(page)
    return page


MAX_SHOT_HEIGHT = 8000


def screenshot(page: object, name: str) -> Path:
    """The whole page as artifacts/screenshots/<name>.png.

    Streamlit scrolls inside its main element, not the document, so a "full page"
    screenshot would stop at the viewport: the viewport is stretched to the content.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size  # type: ignore[attr-defined]
    height = page.evaluate(  # type: ignore[attr-defined]
        "() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight ?? 0"
    )
    tall = min(MAX_SHOT_HEIGHT, max(size["height"], int(height)))
    if tall > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": tall})  # type: ignore[attr-defined]
        wait_for_render(page)
    page.screenshot(path=str(path))  # type: ignore[attr-defined]
    page.set_viewport_size(size)  # type: ignore[attr-defined]
    return path
