"""`python -m unionplan user …`: accounts in the users file, managed on the server.

    python -m unionplan user add LOGIN --roles editor,aid [--unit UNIT] [--name NAME]
                                 [--email E] --password-stdin
    python -m unionplan user list
    python -m unionplan user passwd LOGIN --password-stdin
    python -m unionplan user edit LOGIN [--roles R] [--unit U] [--name N] [--email E]
    python -m unionplan user remove LOGIN
    python -m unionplan user unlock LOGIN

The password is read from standard input (one line), never from an argument: arguments
show in the process list and the shell's history. On a terminal it is asked for without
echo. Nothing here prints a password or a hash.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time

from unionplan import i18n
from unionplan.auth import manage
from unionplan.auth.accounts import AccountError, UsersFile, roles_from
from unionplan.data import schema
from unionplan.data.access import LOCAL_ADMIN
from unionplan.errors import UnionplanError

EXIT_OK, EXIT_FAILED = 0, 2


def _say(key: str, lang: str, /, **params: object) -> str:
    return i18n.t(key, lang, **params)


def _error(err: UnionplanError, lang: str) -> str:
    return _say(err.key, lang, **{"detail": err.detail, **err.params})


def _read_password(lang: str) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(_say("cli.user_password_prompt", lang))
        again = getpass.getpass(_say("cli.user_password_again", lang))
        if first != again:
            raise AccountError("passwords differ", key="auth.err.password_mismatch")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_add(args: argparse.Namespace, users: UsersFile, lang: str) -> str:
    if not args.password_stdin and not args.email:
        raise AccountError("no password", key="auth.err.password_or_email")
    account = manage.add_account(
        users,
        LOCAL_ADMIN,
        args.login,
        roles_from(args.roles),
        password=_read_password(lang) if args.password_stdin else None,
        name=args.name or "",
        unit=args.unit,
        email=args.email,
    )
    return _say("cli.user_added", lang, login=account.login, path=str(users.path))


def cmd_passwd(args: argparse.Namespace, users: UsersFile, lang: str) -> str:
    if users.get(args.login) is None:  # before asking for a password that goes nowhere
        raise AccountError(args.login, key="auth.err.no_account", login=args.login)
    manage.set_password(users, LOCAL_ADMIN, args.login, _read_password(lang))
    return _say("cli.user_password_set", lang, login=args.login)


def cmd_edit(args: argparse.Namespace, users: UsersFile, lang: str) -> str:
    manage.change_account(
        users,
        LOCAL_ADMIN,
        args.login,
        roles=roles_from(args.roles) if args.roles is not None else None,
        name=args.name,
        unit=args.unit,
        email=args.email,
    )
    return _say("cli.user_changed", lang, login=args.login)


def cmd_remove(args: argparse.Namespace, users: UsersFile, lang: str) -> str:
    manage.remove_account(users, LOCAL_ADMIN, args.login)
    return _say("cli.user_removed", lang, login=args.login)


def cmd_unlock(args: argparse.Namespace, users: UsersFile, lang: str) -> str:
    manage.unlock_account(users, LOCAL_ADMIN, args.login)
    return _say("cli.user_unlocked", lang, login=args.login)


def cmd_list(args: argparse.Namespace, users: UsersFile, lang: str) -> str:
    accounts = users.accounts()
    if not accounts:
        return _say("cli.user_none", lang, path=str(users.path))
    now = time.time()
    lines = [_say("cli.user_list_header", lang)]
    for a in sorted(accounts.values(), key=lambda a: a.login):
        state = (
            _say(
                "cli.user_locked",
                lang,
                until=time.strftime("%H:%M", time.localtime(a.locked_until)),
            )
            if a.locked(now)
            else ""
        )
        cells = [a.login, a.name, ",".join(sorted(a.roles)), a.unit or "", a.email or "", state]
        lines.append("\t".join(cells).rstrip())
    return "\n".join(lines)


COMMANDS = {
    "add": cmd_add,
    "list": cmd_list,
    "passwd": cmd_passwd,
    "edit": cmd_edit,
    "remove": cmd_remove,
    "unlock": cmd_unlock,
}


def cmd_user(args: argparse.Namespace) -> int:
    lang = args.lang or schema.DEFAULT_LANG
    users = UsersFile()
    try:
        print(COMMANDS[args.action](args, users, lang), flush=True)
    except UnionplanError as err:
        print(_error(err, lang), file=sys.stderr, flush=True)
        return EXIT_FAILED
    return EXIT_OK


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The `user` command and its actions, under the main parser's subcommands."""
    roles = "角色，逗号分隔：viewer、editor、aid、admin / roles, comma-separated"
    user = sub.add_parser(
        "user",
        help="管理登录账号（存于服务器上的账号文件）/ manage sign-in accounts (the users file)",
        description="账号文件：UNIONPLAN_USERS_FILE，默认 data/users.toml / "
        "the users file: UNIONPLAN_USERS_FILE, default data/users.toml",
    )
    user.add_argument("--lang", choices=schema.LANGS, help="输出语言 / output language")
    acts = user.add_subparsers(dest="action", metavar="ACTION", required=True)

    def login_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("login", metavar="LOGIN", help="登录名 / login")

    def detail_args(p: argparse.ArgumentParser, *, required_roles: bool) -> None:
        p.add_argument("--roles", required=required_roles, help=roles)
        p.add_argument(
            "--unit", help="限定的单位（名称或编号）/ the unit the account is limited to"
        )
        p.add_argument("--name", help="显示的姓名 / display name")
        p.add_argument(
            "--email", help="用于统一身份登录的邮箱 / e-mail for identity-provider sign-in"
        )

    add = acts.add_parser("add", help="添加账号 / add an account")
    login_arg(add)
    detail_args(add, required_roles=True)
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="从标准输入读取密码 / read the password from standard input",
    )
    acts.add_parser("list", help="列出账号 / list the accounts")
    pw = acts.add_parser("passwd", help="设置新密码 / set a new password")
    login_arg(pw)
    pw.add_argument(
        "--password-stdin", action="store_true", required=True, help="从标准输入读取密码"
    )
    edit = acts.add_parser(
        "edit", help="修改角色、单位、姓名或邮箱 / change roles, unit, name, e-mail"
    )
    login_arg(edit)
    detail_args(edit, required_roles=False)
    for name, text in (("remove", "删除账号 / remove an account"), ("unlock", "解除锁定 / unlock")):
        login_arg(acts.add_parser(name, help=text))
    user.set_defaults(func=cmd_user)
