"""Every message key the aid modules name exists, in every language (the catalogue test
checks only keys passed to t(…) or key=…; the aid modules also name keys in problem lists
and notices)."""

from __future__ import annotations

import re
from pathlib import Path

from unionplan import i18n
from unionplan.aid import idcard
from unionplan.data.schema import LANGS

AID = Path(__file__).resolve().parents[2] / "unionplan" / "aid"
_KEY = re.compile(r"""["'](aid\.[a-z_]+\.[a-z0-9_]+)["']""")


def test_every_aid_key_named_in_the_code_exists() -> None:
    keys = {k for f in AID.glob("*.py") for k in _KEY.findall(f.read_text(encoding="utf-8"))}
    assert len(keys) > 30  # the pattern finds them
    # keys built at run time
    keys |= {f"aid.id.{s}" for s in idcard.IdStatus.__args__}  # type: ignore[attr-defined]
    keys |= {f"aid.signoff.col_{c}" for c in ("no", "name", "unit", "kind", "amount", "sign",
                                             "notes")}  # fmt: skip
    for lang in LANGS:
        missing = sorted(keys - set(i18n.catalogue(lang)))
        assert not missing, (lang, missing)
