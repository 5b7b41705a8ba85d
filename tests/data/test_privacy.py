"""Masking of personal data: the shapes people recognise, blanks kept, and the schema's
sensitive columns (every personal field of an aid case) masked in records, frames and the
audit log."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from tests.memory_store import MemoryStore
from tests.people import admin
from unionplan.data import privacy, schema
from unionplan.data.workbook import Workbook

SETTINGS = [["编号", "项目", "值"], ["S-1", "plan_year", "2026"], ["S-2", "language", "简体中文"]]


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("张小明", "张*明"),
        ("张明", "张*"),
        ("欧阳小明", "欧**明"),
        ("司马相如君", "司***君"),
        ("张", "*"),
        (" 张小明 ", "张*明"),
    ],
)
def test_names(value: str, masked: str) -> None:
    assert privacy.mask("name", value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("110101199003071234", "110***********1234"),
        ("11010519491231002X", "110***********002X"),
        ("110101900307123", "110********7123"),  # the old 15-digit form
        ("E1234567", "E12*4567"),
        ("H123", privacy.MASK),  # too short to keep seven characters of it
    ],
)
def test_id_numbers(value: str, masked: str) -> None:
    assert privacy.mask("id_number", value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("010-12345678", "010*****5678"),
        ("13812345678、13987654321", "138****5678、139****4321"),
        ("110", privacy.MASK),
    ],
)
def test_phones(value: str, masked: str) -> None:
    assert privacy.mask("phone", value) == masked


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("address", "某市某区某路1号"),
        ("situation", "本人乳腺癌术后化疗"),
        ("causes", ["illness", "schooling"]),
        ("family_size", 3),
        ("family_size", 0),
        ("monthly_income", 2800.0),
        ("gender", "female"),
        ("details", "走访：病情稳定"),
    ],
)
def test_any_other_sensitive_field_is_dots(key: str, value: object) -> None:
    assert privacy.mask(key, value) == privacy.MASK


@pytest.mark.parametrize("blank", [None, "", "  ", [], float("nan"), pd.NA])
def test_blank_stays_blank(blank: object) -> None:
    for key in ("name", "id_number", "phone", "notes"):
        out = privacy.mask(key, blank)
        assert out is blank or (isinstance(out, float) and math.isnan(out))


def test_every_personal_field_of_a_case_is_sensitive() -> None:
    personal = {
        "name",
        "gender",
        "id_kind",
        "id_number",
        "phone",
        "address",
        "causes",
        "situation",
        "family_size",
        "monthly_income",
        "notes",
    }
    assert set(privacy.sensitive_keys(schema.AID_CASES)) == personal
    assert "details" in privacy.sensitive_keys(schema.AID_EVENTS)
    assert "notes" in privacy.sensitive_keys(schema.AID_PAYMENTS)


def test_mask_record_and_frame_leave_other_columns_alone() -> None:
    rec = {
        "id": "C-1",
        "name": "张小明",
        "id_number": "110101199003071234",
        "phone": "13812345678",
        "unit": "U-1",
        "level": "deep",
        "monthly_income": 2800.0,
        "causes": ["illness"],
    }
    out = privacy.mask_record(schema.AID_CASES, rec)
    assert out == {
        "id": "C-1",
        "name": "张*明",
        "id_number": "110***********1234",
        "phone": "138****5678",
        "unit": "U-1",
        "level": "deep",
        "monthly_income": privacy.MASK,
        "causes": privacy.MASK,
    }
    assert rec["name"] == "张小明"  # a copy: the caller's record is untouched
    frame = privacy.mask_frame(schema.AID_CASES, pd.DataFrame([rec, {**rec, "phone": None}]))
    assert frame["name"].tolist() == ["张*明", "张*明"]
    assert privacy.is_blank(frame["phone"].iloc[1])  # a blank stays blank
    assert frame["level"].tolist() == ["deep", "deep"]
    # units have a "name" too, and it is not personal: only sensitive columns are masked
    assert privacy.mask_record(schema.UNITS, {"name": "语文组分会"}) == {"name": "语文组分会"}


def test_audit_log_masks_with_the_same_rules() -> None:
    store = MemoryStore({"设置": SETTINGS})
    wb = Workbook(store)
    case = wb.append(
        "aid_cases",
        {
            "name": "张小明",
            "phone": "13812345678",
            "family_size": 3,
            "monthly_income": 2800,
            "causes": ["illness"],
            "level": "deep",
        },
        actor=admin("帮扶专干"),
    )
    wb.update(
        "aid_cases",
        case["id"],
        {"phone": "13987654321", "address": ""},
        expected_version=1,
        actor=admin("帮扶专干"),
    )
    log = wb.load().df("audit_log")
    added, changed = (json.loads(c) for c in log["changes"])
    assert added["name"] == [None, "张*明"]
    assert added["phone"] == [None, "138****5678"]
    assert added["family_size"] == added["monthly_income"] == [None, privacy.MASK]
    assert added["causes"] == [None, privacy.MASK]
    assert added["level"] == [None, "deep"]  # not personal: the hardship level stays readable
    assert changed == {"phone": ["138****5678", "139****4321"]}
    raw = json.dumps(store.grids["操作日志"], ensure_ascii=False)
    for secret in ("张小明", "13812345678", "13987654321", "2800"):
        assert secret not in raw
