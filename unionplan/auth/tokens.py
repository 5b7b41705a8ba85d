"""Signed, expiring sign-in tokens, so a reload keeps a person signed in for a working day.

A token is ``<payload>.<signature>``: the payload (base64url JSON) holds the login, the
expiry, the account's session generation and a random token id; the signature is
HMAC-SHA256 with a server secret kept in a 0600 file beside the users file, made on first
use. The server trusts a token only when the signature matches (compared in constant
time), it has not expired, the account still exists with the same generation (a new
password or "sign out everywhere" bumps it) and its id is not revoked (a sign-out).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from unionplan import files

TTL_S = 8 * 3600  # a working day
MAX_TOKEN = 512  # longer cookies are not ours: not even decoded


@dataclass(frozen=True)
class Claims:
    login: str
    expires: float
    generation: int
    token_id: str


def secret_path(users_file: Path) -> Path:
    return users_file.with_name(users_file.stem + ".secret")


def server_secret(users_file: Path) -> bytes:
    """The signing secret beside the users file, created (0600) on first use."""
    path = secret_path(users_file)
    files.private_dir(path.parent)
    try:
        with files.private_open(path, "x", encoding="ascii") as f:
            f.write(secrets.token_hex(32))
    except FileExistsError:
        pass
    for _ in range(40):  # another process may have created it a moment ago, still empty
        text = path.read_text(encoding="ascii").strip()
        if len(text) >= 32:
            return text.encode("ascii")
        time.sleep(0.05)
    raise OSError(f"{path}: the session secret is damaged (too short); delete it to renew")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret: bytes, body: str) -> str:
    return _b64(hmac.new(secret, body.encode("ascii"), hashlib.sha256).digest())


def issue(secret: bytes, login: str, generation: int, now: float) -> tuple[str, Claims]:
    claims = Claims(login, float(int(now + TTL_S)), generation, secrets.token_urlsafe(12))
    payload = {"l": login, "e": int(claims.expires), "g": generation, "n": claims.token_id}
    body = _b64(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
    return f"{body}.{_sign(secret, body)}", claims


def read(secret: bytes, token: str, now: float) -> Claims | None:
    """The claims of a genuine, unexpired token; None for anything else."""
    if not token or len(token) > MAX_TOKEN or token.count(".") != 1:
        return None
    body, sig = token.split(".")
    try:
        body.encode("ascii")
        sig.encode("ascii")
    except UnicodeEncodeError:
        return None
    if not hmac.compare_digest(_sign(secret, body), sig):
        return None
    try:
        raw = json.loads(_unb64(body))
        claims = Claims(str(raw["l"]), float(raw["e"]), int(raw["g"]), str(raw["n"]))
    except (ValueError, KeyError, TypeError, binascii.Error):
        return None
    if claims.expires <= now:
        return None
    return claims
