"""The gate app.py passes before anything else: who is using the app, and what they see.

Three modes, decided on every run:

* **single-person** (no accounts in the users file): the app is one person's tool on this
  machine and that person is the administrator (`LOCAL_ADMIN`). Only safe while the
  server listens on loopback (the shipped config says 127.0.0.1): listening beyond it
  with no accounts would make anyone on the network an administrator, so the app then
  refuses to serve and explains the two steps to open it.
* **accounts**: a sign-in form (login, password). A signed, expiring token (see
  unionplan.auth.tokens) is written to a cookie from the browser, so a reload within a
  working day resumes the session; it is read back with ``st.context.cookies`` and
  checked by the server on every run. Sign-out revokes it and clears the cookie.
* **identity provider** (``[auth]`` in secrets.toml): Streamlit's ``st.login`` (OpenID
  Connect); the e-mail it proves is mapped through the users file to roles and unit, an
  unknown one is politely refused.

The visitor's IP address is never used for any of this: behind a proxy it is the proxy's.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit import config
from streamlit.errors import StreamlitSecretNotFoundError

from unionplan.auth import signin, tokens
from unionplan.auth.accounts import Account, UsersFile, users_file_path
from unionplan.data.access import LOCAL_ADMIN, ROLES, Person
from unionplan.errors import UnionplanError
from unionplan.ui import PERSON_KEY, lang, show_error, t
from unionplan.ui.navigation import addresses

COOKIE = "unionplan_session"
ADMIN_PAGES = frozenset({"data", "users"})
HELP_PAGE = "accounts"  # the hidden page with the two steps to add accounts

_LOGIN = "_signin_login"  # the account signed in, in this session (accounts mode)
_TOKEN = "_signin_token"  # its token: checked every run, revoked at sign-out
_SET_COOKIE = "_signin_set_cookie"  # a token to write to the cookie on this run
_CLEAR_COOKIE = "_signin_clear_cookie"
_SIGNED_OUT = "_signin_signed_out"  # never resume from the cookie this session sent
_FAILED = "_signin_failed"
_W_LOGIN = "_signin_w_login"
_W_PASSWORD = "_signin_w_password"
_TOKEN_TEXT = re.compile(r"^[A-Za-z0-9_.-]{1,512}$")


@st.cache_resource(show_spinner=False)
def _users_file(path: str) -> UsersFile:
    return UsersFile(Path(path))


def users() -> UsersFile:
    """The users file (one instance per path, shared by every session: it caches reads)."""
    return _users_file(str(users_file_path()))


def oidc_configured() -> bool:
    """Whether secrets.toml has an ``[auth]`` section (sign-in through an identity provider)."""
    try:
        return "auth" in st.secrets
    except (OSError, StreamlitSecretNotFoundError):
        return False


def listens_beyond_loopback() -> bool:
    """Whether the server accepts connections from other machines (server.address unset,
    0.0.0.0, or a real interface's address)."""
    address = (config.get_option("server.address") or "").strip().strip("[]")
    if address.casefold() == "localhost":
        return False
    try:
        return not ipaddress.ip_address(address).is_loopback
    except ValueError:
        return True  # empty (all interfaces) or a host name: assume the network


def mode(users_file: UsersFile) -> str:
    """ "oidc", "accounts" or "local" (single-person)."""
    if oidc_configured():
        return "oidc"
    return "accounts" if users_file.has_accounts() else "local"


# ---------------------------------------------------------------------- the gate


def gate() -> Person | None:
    """The signed-in person for this run, put in the session for `ui.person()`; None when
    this run showed the sign-in page or a refusal instead (app.py then stops)."""
    st.session_state.pop(PERSON_KEY, None)
    try:
        u = users()
        how = mode(u)
    except UnionplanError as exc:  # a damaged users file: nobody gets in
        problem = exc
        _only_page(lambda: show_error(problem))
        return None
    if how == "local":
        if listens_beyond_loopback():
            _only_page(_open_network_refusal)
            return None
        return _enter(LOCAL_ADMIN)
    account = _oidc_account(u) if how == "oidc" else _password_account(u)
    if account is None:
        return None
    _cookie_script()
    return _enter(account.person())


def _enter(person: Person) -> Person:
    st.session_state[PERSON_KEY] = person
    return person


def _only_page(body: Callable[[], None]) -> None:
    """Show `body` as the app's only page, at whichever of its addresses was asked for.
    Registered under every page's address: a bookmark to /reports shows the sign-in form
    there, not Streamlit's "page not found" dialog (English, and over the form), and the
    run after signing in, at the same address, opens the page it named."""
    title = t("auth.signin_title")
    pages = [st.Page(body, title=title, url_path="signin", default=True)]
    pages += [
        st.Page(body, title=title, url_path=a, visibility="hidden")
        for a in (*addresses(), HELP_PAGE)
    ]
    page = st.navigation(pages, position="hidden")
    page.run()


# ---------------------------------------------------------------------- accounts mode


def _password_account(u: UsersFile) -> Account | None:
    """The account of this session or of the cookie this browser sent; else the form."""
    token = st.session_state.get(_TOKEN)
    if not token and not st.session_state.get(_SIGNED_OUT):
        token = cookie_token()
    account = signin.resume(u, token) if token else None
    if account is None:
        if st.session_state.get(_LOGIN):  # revoked elsewhere: a new password, removed
            _forget(clear_cookie=True)
        _only_page(_signin_form)
        return None
    st.session_state[_LOGIN] = account.login
    st.session_state[_TOKEN] = token
    return account


def cookie_token() -> str | None:
    """The sign-in token this browser sent with the request that opened the session."""
    value = st.context.cookies.get(COOKIE)
    return value if isinstance(value, str) and _TOKEN_TEXT.match(value) else None


def _submit() -> None:
    """The sign-in form's callback: runs before the script, so the same run enters."""
    login = str(st.session_state.get(_W_LOGIN) or "")
    password = str(st.session_state.get(_W_PASSWORD) or "")
    st.session_state[_W_PASSWORD] = ""  # the password leaves the session at once
    session = signin.sign_in(users(), login, password)
    if session is None:
        st.session_state[_FAILED] = True
        return
    st.session_state.pop(_SIGNED_OUT, None)
    st.session_state[_LOGIN] = session.account.login
    st.session_state[_TOKEN] = session.token
    st.session_state[_SET_COOKIE] = session.token


def _signin_form() -> None:
    st.title(t("auth.signin_title"))
    st.caption(t("common.app_title"))
    _cookie_script()
    if st.session_state.pop(_FAILED, False):
        st.error(t("auth.signin_failed"), icon=":material/lock:")
    with st.form("signin", border=True):
        st.text_input(t("auth.login"), key=_W_LOGIN, max_chars=64, autocomplete="username")
        st.text_input(
            t("auth.password"),
            key=_W_PASSWORD,
            type="password",
            max_chars=1024,
            autocomplete="current-password",
        )
        st.form_submit_button(t("auth.signin_button"), type="primary", on_click=_submit)
    st.caption(t("auth.signin_help"))


def _forget(*, clear_cookie: bool) -> None:
    for key in (_LOGIN, _TOKEN, _SET_COOKIE, PERSON_KEY):
        st.session_state.pop(key, None)
    st.session_state[_SIGNED_OUT] = True
    if clear_cookie:
        st.session_state[_CLEAR_COOKIE] = True


def _sign_out() -> None:
    token = st.session_state.get(_TOKEN)
    if token:
        signin.sign_out(users(), token)
    # Everything this person did in the session goes: a data page's uploaded key, forms.
    keep = {"lang", "_lang_from_url"}
    for key in list(st.session_state.keys()):
        if key not in keep:
            del st.session_state[key]
    _forget(clear_cookie=True)


def _cookie_script() -> None:
    """Write or clear the sign-in cookie from the browser, once, after sign-in/out.

    SameSite=Strict: another site's page can never make the browser send it; Secure when
    the page is served over https. The token itself is only ever in this one script.
    """
    token = st.session_state.pop(_SET_COOKIE, None)
    if token and _TOKEN_TEXT.match(token):
        value, age = token, tokens.TTL_S
    elif st.session_state.pop(_CLEAR_COOKIE, False):
        value, age = "", 0
    else:
        return
    st.html(
        "<script>document.cookie = "
        f'"{COOKIE}={value}; Max-Age={age}; Path=/; SameSite=Strict"'
        ' + (location.protocol === "https:" ? "; Secure" : "");</script>',
        unsafe_allow_javascript=True,
        width="content",
    )


# ---------------------------------------------------------------------- identity provider


def _user_info(key: str) -> Any:
    try:
        return st.user.get(key)
    except (AttributeError, KeyError):
        return None


def _oidc_account(u: UsersFile) -> Account | None:
    if not _user_info("is_logged_in"):
        _only_page(_oidc_signin)
        return None
    email = _user_info("email")
    account = signin.for_email(u, str(email)) if email else None
    if account is None or _user_info("email_verified") is False:
        _only_page(lambda: _oidc_refused(str(email or "")))
        return None
    return account


def _oidc_signin() -> None:
    st.title(t("auth.signin_title"))
    st.caption(t("common.app_title"))
    st.button(t("auth.oidc_button"), type="primary", on_click=st.login, key="oidc_login")


def _oidc_refused(email: str) -> None:
    st.title(t("auth.signin_title"))
    st.warning(t("auth.oidc_unknown", email=email), icon=":material/person_off:")
    st.button(t("auth.signout"), on_click=st.logout, key="oidc_logout")


# ---------------------------------------------------------------------- single-person mode


def _open_network_refusal() -> None:
    st.title(t("auth.open_title"))
    st.error(t("auth.open_refused"), icon=":material/public_off:")
    accounts_help()


def accounts_help() -> None:
    """The two steps to open the app to a union's cadres (also the README's)."""
    st.markdown(t("auth.steps"))
    st.code(t("auth.step1_command"), language="bash")
    st.markdown(t("auth.step2"))
    st.code('[server]\naddress = "0.0.0.0"', language="toml")


def local_notice() -> None:
    """Single-person mode's one quiet line on every page, with a link to the two steps."""
    if st.session_state.get(PERSON_KEY) is LOCAL_ADMIN:
        st.caption(t("auth.local_notice", url=HELP_PAGE))


# ---------------------------------------------------------------------- navigation


def may_open(person: Person, page: str) -> bool:
    """Whether the page is in the person's navigation (administrators' pages aside, every
    page reads; what a role may change is decided by the workbook layer)."""
    return person.is_admin or page not in ADMIN_PAGES


def page(person: Person, name: str, script: str, title: str, icon: str, default: bool) -> Any:
    """The navigation entry for a page: the page itself, or, for a person who may not use
    it, a hidden page of that address that says so."""
    if may_open(person, name):
        return st.Page(script, title=title, icon=icon, url_path=name, default=default)
    return st.Page(_refused, title=title, icon=icon, url_path=name, visibility="hidden")


def help_page() -> Any:
    return st.Page(_help, title=t("auth.help_title"), url_path=HELP_PAGE, visibility="hidden")


def _refused() -> None:
    st.title(t("auth.refused_title"))
    st.warning(t("auth.page_refused"), icon=":material/block:")


def _help() -> None:
    st.title(t("auth.help_title"))
    accounts_help()


# ---------------------------------------------------------------------- sidebar


def role_names(person: Person) -> str:
    sep = ", " if lang() == "en" else "、"
    return sep.join(t(f"auth.role.{r}") for r in ROLES if r in person.roles)


def account_block(person: Person) -> None:
    """Who is signed in, their roles and unit, and the sign-out button."""
    if person is LOCAL_ADMIN:
        return
    st.sidebar.caption(
        t("auth.signed_in_as", name=person.display_name, login=person.login)
        + "  \n"
        + role_names(person)
        + (f" · {t('auth.unit_scope', unit=person.unit)}" if person.scoped else "")
    )
    if oidc_configured():
        st.sidebar.button(t("auth.signout"), on_click=st.logout, key="signout")
    else:
        st.sidebar.button(
            t("auth.signout"), on_click=_sign_out, key="signout", icon=":material/logout:"
        )
