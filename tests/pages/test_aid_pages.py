"""The 帮扶 pages under AppTest: no raw personal value anywhere in the render tree for a
viewer, an editor or an administrator without the aid role (aid pages and the others);
an aid officer sees them (a scoped one only for their units); and each form: a case
with a bad ID number refused, a duplicate refused then filed with the override, a status
change, a payment overdraw refused and allowed as an advance, a campaign written exactly
once when "pay" is clicked twice, its sign-off sheet offered to aid officers only."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.apptest import new_app, page_text
from tests.people import person
from unionplan import i18n
from unionplan.aid import status as sts
from unionplan.data.access import Person
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.tables import WorkbookData
from unionplan.data.values import is_blank
from unionplan.data.workbook import Workbook
from unionplan.ui import signin

AID_PAGES = ("aid_cases", "aid_payments", "aid_campaigns")
OFFICER = person("zhou", "aid")


def _load(path: Path) -> WorkbookData:
    return Workbook(XlsxStore(path), ttl=0).load(fresh=True)


def _raw(path: Path) -> list[str]:
    """Every name, ID number and phone of the demo's cases, as the workbook holds them."""
    cases = _load(path).df("aid_cases")
    values = [str(v) for k in ("name", "id_number", "phone") for v in cases[k] if not is_blank(v)]
    assert len(values) > len(cases)  # names and at least some numbers: something to find
    return values


def _as(who: Person, monkeypatch: pytest.MonkeyPatch, page: str, lang: str = "zh-Hans") -> AppTest:
    """A session of `who` (signed in) whose first run opens the page."""
    monkeypatch.setattr(signin, "gate", lambda: signin._enter(who))
    at = new_app(lang=lang)
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# ------------------------------------------------------------------ privacy


@pytest.mark.parametrize(
    "who",
    [person("leader", "viewer"), person("wang", "editor")],
    ids=["viewer", "editor"],
)
@pytest.mark.parametrize("page", [*AID_PAGES, "overview", "targets"])
def test_no_personal_value_reaches_a_reader_without_the_aid_role(
    demo_workbook: Path, monkeypatch: pytest.MonkeyPatch, who: Person, page: str
) -> None:
    raw = _raw(demo_workbook)
    text = page_text(_as(who, monkeypatch, page))
    assert [v for v in raw if v in text] == []


@pytest.mark.parametrize("page", [*AID_PAGES, "data"])
def test_an_admin_without_the_aid_role_sees_no_personal_value(
    demo_workbook: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    raw = _raw(demo_workbook)
    text = page_text(_as(person("boss", "admin"), monkeypatch, page))
    assert [v for v in raw if v in text] == []


def test_a_viewer_sees_the_register_masked_and_the_figures(
    demo_workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = _load(demo_workbook).df("aid_cases")
    at = _as(person("leader", "viewer"), monkeypatch, "aid_cases")
    register = next(df.value for df in at.dataframe if "ID" in df.value.columns)
    assert set(register["ID"]) == set(cases["id"])  # every case is there, as a row
    assert register["姓名"].str.contains(r"\*").all()
    assert next(m.value for m in at.metric) == str(int(cases["status"].isin(sts.ON_FILE).sum()))
    assert not at.text_input  # no form


def test_an_aid_officer_sees_the_personal_data(
    demo_workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = _load(demo_workbook).df("aid_cases")
    text = page_text(_as(OFFICER, monkeypatch, "aid_cases"))
    assert all(name in text for name in cases["name"])


def test_a_scoped_aid_officer_sees_the_personal_data_of_their_units_only(
    demo_workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = _load(demo_workbook)
    cases, units = d.df("aid_cases"), d.df("units")
    parents = set(units["parent"].dropna())
    leaf = next(u for u in cases["unit"] if u not in parents)  # a unit with no units under it
    mine = cases[cases["unit"] == leaf]["name"]
    theirs = cases[cases["unit"] != leaf]["name"]
    text = page_text(_as(person("li", "aid", unit=leaf), monkeypatch, "aid_cases"))
    assert all(n in text for n in mine)
    assert not [n for n in theirs if n in text]


# ------------------------------------------------------------------ the case forms


def _submit(at: AppTest, label_key: str) -> AppTest:
    label = i18n.t(label_key, "zh-Hans")
    from streamlit.testing.v1.util import patch_config_options

    with patch_config_options({"client.showErrorDetails": "full"}):
        next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.stack_trace for e in at.exception]
    return at


def test_a_case_with_a_bad_id_number_is_refused(
    demo_workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = len(_load(demo_workbook).df("aid_cases"))
    at = _as(OFFICER, monkeypatch, "aid_cases")
    at.text_input(key="aid_add:name").set_value("郑某新")
    at.text_input(key="aid_add:id_number").set_value("110101199003071235")  # wrong check digit
    at = _submit(at, "aidui.case_add")
    shown = " ".join(e.value for e in at.error)
    assert i18n.t("aid.id.bad_check_digit", "zh-Hans") in shown
    assert len(_load(demo_workbook).df("aid_cases")) == before
    assert at.text_input(key="aid_add:name").value == "郑某新"  # the input is kept


def test_a_duplicate_is_refused_then_filed_with_the_override(
    demo_workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = _load(demo_workbook).df("aid_cases")
    first = cases.iloc[0]
    at = _as(OFFICER, monkeypatch, "aid_cases")
    at.text_input(key="aid_add:name").set_value(first["name"])
    at.selectbox(key="aid_add:unit").set_value(first["unit"])
    at = _submit(at, "aidui.case_add")
    # it names the case it clashes with (escaped as workbook text in Markdown)
    assert any(first["id"] in e.value.replace("\\", "") for e in at.error)
    assert len(_load(demo_workbook).df("aid_cases")) == len(cases)
    at.checkbox(key="aid_add:override").check().run()
    at = _submit(at, "aidui.case_add")
    after = _load(demo_workbook)
    assert len(after.df("aid_cases")) == len(cases) + 1
    added = after.df("aid_cases").iloc[-1]
    notes = after.df("aid_events")
    assert (notes["case_id"] == added["id"]).sum() == 2  # its first status, and the override


def test_a_status_change_offers_only_allowed_moves_and_leaves_its_record(
    demo_workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _as(OFFICER, monkeypatch, "aid_cases")
    case_id = at.selectbox(key="aid_case").value
    case = _load(demo_workbook).record("aid_cases", case_id)
    key = f"aid_status_{case_id}"
    offered = at.selectbox(key=f"{key}:to").options
    assert len(offered) == len(sts.next_statuses(case["status"]))
    to = sts.next_statuses(case["status"])[0]
    at.selectbox(key=f"{key}:to").set_value(to)
    at = _submit(at, "aidui.status_submit")  # no reason: refused
    assert _load(demo_workbook).record("aid_cases", case_id)["status"] == case["status"]
    assert at.error
    at.text_area(key=f"{key}:reason").set_value("复核后家庭收入已超过困难标准")
    at = _submit(at, "aidui.status_submit")
    d = _load(demo_workbook)
    assert d.record("aid_cases", case_id)["status"] == to
    events = d.df("aid_events")
    mine = events[(events["case_id"] == case_id) & (events["to_status"] == to)]
    assert list(mine["details"]) == ["复核后家庭收入已超过困难标准"]


def test_a_visit_is_recorded(demo_workbook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _as(OFFICER, monkeypatch, "aid_cases")
    case_id = at.selectbox(key="aid_case").value
    at.text_area(key=f"aid_visit_{case_id}:details").set_value("入户走访，了解近况")
    _submit(at, "aidui.visit_submit")
    events = _load(demo_workbook).df("aid_events")
    hit = events[(events["case_id"] == case_id) & (events["kind"] == sts.VISIT)]
    assert list(hit["details"]) == ["入户走访，了解近况"]


# ------------------------------------------------------------------ payments and campaigns


def _fill_payment(at: AppTest, case_id: str, source: str, cash: str) -> None:
    at.selectbox(key="aid_pay:case_id").set_value(case_id)
    at.selectbox(key="aid_pay:kind").set_value("subsidy")
    at.selectbox(key="aid_pay:fund_source").set_value(source)
    at.text_input(key="aid_pay:cash").set_value(cash)


def test_a_payment_that_overdraws_is_refused_and_allowed_as_an_advance(
    demo_workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unionplan.aid import fund

    d = _load(demo_workbook)
    balances = fund.current_balances(d)
    source, balance = min(balances.items(), key=lambda kv: kv[1])
    cash = str(max(balance, 0) + 100)  # more than the source holds
    case_id = str(d.df("aid_cases")["id"].iloc[0])
    before = len(d.df("aid_payments"))
    at = _as(OFFICER, monkeypatch, "aid_payments")
    _fill_payment(at, case_id, source, cash)
    at = _submit(at, "aidui.payment_add")
    assert i18n.t("aid.fund.insufficient", "zh-Hans") in " ".join(e.value for e in at.error)
    assert len(_load(demo_workbook).df("aid_payments")) == before
    at.checkbox(key="aid_pay:advance").check()
    _submit(at, "aidui.payment_add")
    pays = _load(demo_workbook).df("aid_payments")
    assert len(pays) == before + 1
    assert pays.iloc[-1]["advance"] is True or bool(pays.iloc[-1]["advance"])


def test_an_aid_officer_corrects_a_payment_and_a_viewer_cannot(
    demo_workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    pays = _load(demo_workbook).df("aid_payments")
    this_year = pays[pays["date"].map(lambda v: v.year == dt.date.today().year)]
    first = this_year.sort_values("date", ascending=False, kind="stable").iloc[0]
    at = _as(OFFICER, monkeypatch, "aid_payments")
    at.selectbox(key="aid_pay_pick").set_value(first["id"]).run()
    key = f"aid_pay_{first['id']}"
    cash = at.text_input(key=f"{key}:cash")
    assert cash.value == f"{float(first['cash']):.2f}"  # the form opens with its values
    cash.set_value("1")
    at.text_area(key=f"{key}:notes").set_value("更正：金额录错")
    at = _submit(at, "aidui.payment_save")
    assert not at.error, [e.value for e in at.error]
    after = _load(demo_workbook).record("aid_payments", first["id"])
    assert float(after["cash"]) == 1 and after["notes"] == "更正：金额录错"
    assert after["case_id"] == first["case_id"]  # what was not touched stays
    assert len(_load(demo_workbook).df("aid_payments")) == len(pays)  # corrected, not added
    viewer = _as(person("leader", "viewer"), monkeypatch, "aid_payments")
    assert not [s for s in viewer.selectbox if s.key == "aid_pay_pick"]


def test_a_campaign_is_written_once_when_pay_is_clicked_twice(
    demo_workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _load(demo_workbook).df("aid_payments")
    at = _as(OFFICER, monkeypatch, "aid_campaigns")
    at.selectbox(key="aid_k_kind").set_value("warmth")
    at.text_input(key="aid_k_amount").set_value("500")
    at.checkbox(key="aid_k_advance").check()
    at = _submit(at, "aidui.campaign_plan")
    assert not at.error, [e.value for e in at.error]
    pay = next(b for b in at.button if b.key == "aid_campaign_pay")
    n = int("".join(ch for ch in pay.label if ch.isdigit()))
    pay.click().run()
    again = next(b for b in at.button if b.key == "aid_campaign_pay")
    again.click().run()  # the same plan, clicked again
    assert not at.exception
    pays = _load(demo_workbook).df("aid_payments")
    new = pays[~pays["id"].isin(before["id"])]
    assert len(new) == n and new["campaign_id"].nunique() == 1
    assert sum(new["cash"]) == 500 * n
    label = i18n.t("aidui.campaign_signoff", "zh-Hans")
    assert [b for b in at.get("download_button") if b.label == label]  # for the officer


def test_a_viewer_gets_no_campaign_form_and_no_sign_off_sheet(
    demo_workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _as(person("leader", "viewer"), monkeypatch, "aid_campaigns")
    assert not at.get("download_button") and not at.text_input
    captions = [c.value for c in at.caption]
    assert i18n.t("aidui.read_only", "zh-Hans") in captions
    assert i18n.t("aidui.no_campaigns", "zh-Hans") in captions  # the demo pays no campaign


@pytest.mark.parametrize(("who", "told"), [(OFFICER, True), (person("leader", "viewer"), False)])
def test_the_overview_tells_an_aid_officer_how_many_reviews_are_due(
    demo_workbook: Path, monkeypatch: pytest.MonkeyPatch, who: Person, told: bool
) -> None:
    import datetime as dt

    from unionplan.aid import reviews

    due = reviews.due_count(_load(demo_workbook), dt.date.today())
    at = _as(who, monkeypatch, "overview")
    label = i18n.t("overview.metric_reviews_due", "zh-Hans")
    shown = [m.value for m in at.metric if m.label == label]
    assert shown == ([str(due)] if told else [])


def test_a_case_edited_meanwhile_shows_both_versions_and_saves_mine_on_request(
    demo_workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _as(OFFICER, monkeypatch, "aid_cases")
    case_id = at.selectbox(key="aid_case").value
    # The demo's ID numbers end in "XXXX" (never a real person's): an edit that leaves the
    # number alone is not refused for it.
    assert str(_load(demo_workbook).record("aid_cases", case_id)["id_number"]).endswith("XXXX")
    form = f"aid_edit_{case_id}"
    at.text_input(key=f"{form}:address").set_value("幸福路 8 号")
    # Meanwhile another aid officer changes the same case's phone in the sheet.
    wb = Workbook(XlsxStore(demo_workbook), ttl=0)
    opened = wb.load(fresh=True).record("aid_cases", case_id)
    wb.update(
        "aid_cases",
        case_id,
        {"phone": "13900001111"},
        expected_version=int(opened["version"]),
        actor=person("li", "aid"),
    )
    at = _submit(at, "aidui.case_save")
    assert not at.error
    assert any("版" in w.value for w in at.warning)  # the conflict view, not an error
    # theirs beside mine: their phone, my address
    tables = [df.value.to_string() for df in at.dataframe]
    assert any("13900001111" in x and "幸福路 8 号" in x for x in tables)
    assert at.text_input(key=f"{form}:address").value == "幸福路 8 号"  # input kept
    now = _load(demo_workbook).record("aid_cases", case_id)
    assert now["phone"] == "13900001111" and now["address"] != "幸福路 8 号"

    at = _submit(at, "forms.conflict_keep_mine")
    now = _load(demo_workbook).record("aid_cases", case_id)
    # Mine over theirs: my address written, their phone kept (I did not change it).
    assert now["address"] == "幸福路 8 号" and now["phone"] == "13900001111"
    assert int(now["version"]) == int(opened["version"]) + 2
