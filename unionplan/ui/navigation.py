"""The app's navigation: its pages by section, each with its address (url path),
script and icon. app.py builds st.navigation from it for a signed-in person; the sign-in
gate answers at every one of these addresses, so a bookmark shows the sign-in form and,
once signed in, the page it named."""

from __future__ import annotations

# (section title key, [(url path, script, icon)]); titles are `common.nav.<url path>`.
SECTIONS: list[tuple[str, list[tuple[str, str, str]]]] = [
    (
        "common.nav.section_plan",
        [
            ("overview", "pages/overview.py", ":material/dashboard:"),
            ("calendar", "pages/calendar.py", ":material/calendar_month:"),
            ("activities", "pages/activities.py", ":material/event:"),
            ("targets", "pages/targets.py", ":material/flag:"),
        ],
    ),
    (
        "common.nav.section_aid",
        [
            ("aid_cases", "pages/aid_cases.py", ":material/volunteer_activism:"),
            ("aid_payments", "pages/aid_payments.py", ":material/payments:"),
            ("aid_campaigns", "pages/aid_campaigns.py", ":material/redeem:"),
        ],
    ),
    (
        "common.nav.section_reports",
        [
            ("reports", "pages/reports.py", ":material/summarize:"),
            ("plan_import", "pages/plan_import.py", ":material/upload_file:"),
            ("new_plan", "pages/new_plan.py", ":material/note_add:"),
        ],
    ),
    (
        "common.nav.section_data",
        [
            ("data", "pages/data.py", ":material/table_chart:"),
            ("users", "pages/users.py", ":material/manage_accounts:"),
        ],
    ),
]
DEFAULT_PAGE = "overview"


def addresses() -> list[str]:
    """Every page's address, in navigation order."""
    return [name for _, entries in SECTIONS for name, _, _ in entries]
