"""Read-only viewers (stakeholders) get no editing control on any page.

What a viewer may still use: the journey picker, the presentation toggle, page navigation
(the presentation stepper), downloads, and the what-if sliders, which explore without saving.
"""

import pytest

from tests.conftest import CAR, PAGES, ROOT, open_page

PAGE_FILES = [ROOT / "app.py", *sorted(PAGES.glob("*.py"))]
EDITING_KINDS = (
    "text_input",
    "text_area",
    "number_input",
    "date_input",
    "file_uploader",
    "color_picker",
    "checkbox",
    "radio",
    "multiselect",
)
ALLOWED_BUTTONS = {
    "present_prev",
    "present_next",
    "sign_out",
    "whatif_reset",  # puts the sliders back; saves nothing
    "ws_report_build",  # builds the workspace report to download; writes nothing
}
ALLOWED_SELECTS = {"_pick_workspace_id", "_pick_journey_id"}
#: choosing what to look at changes nothing stored
VIEW_ONLY = {"compare_scenarios"}


def keys(elements) -> list[str]:
    return [getattr(e, "key", None) or getattr(e, "label", "?") for e in elements]


@pytest.mark.parametrize("page", PAGE_FILES, ids=lambda p: p.name)
def test_a_viewer_sees_no_editing_control(page, app_env, monkeypatch):
    monkeypatch.setenv("JOURNEY_READ_ONLY", "1")
    at = open_page(page, CAR)
    assert not at.exception, [e.value for e in at.exception]
    for kind in EDITING_KINDS:
        assert [k for k in keys(at.get(kind)) if k not in VIEW_ONLY] == [], kind
    assert [k for k in keys(at.button) if k not in ALLOWED_BUTTONS] == []
    assert [k for k in keys(at.sidebar.selectbox) if k not in ALLOWED_SELECTS] == []
    editable = [e for e in at.get("arrow_data_frame") if getattr(e.proto, "editing_mode", 0)]
    assert editable == []
    assert not at.sidebar.expander  # the new journey / workspace form
