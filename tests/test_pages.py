"""Every page through Streamlit's AppTest: a smoke run, then what each page shows."""

import pytest

from tests.conftest import CAR, PAGES, ROOT, TRIAL, open_page, plain

PAGE_FILES = [ROOT / "app.py", *sorted(PAGES.glob("*.py"))]


@pytest.mark.parametrize("page", PAGE_FILES, ids=lambda p: p.name)
def test_every_page_runs_without_an_exception(page, app_env):
    at = open_page(page)
    assert not at.exception, [e.value for e in at.exception]


def test_the_home_page_lists_the_three_sample_journeys_with_their_personas(app_env):
    at = open_page("app.py")
    assert [s.value for s in at.subheader] == [
        "Buying a family car",
        "Free trial to yearly subscription",
        "Buying sustainable clothing online",
    ]
    assert [c.value for c in at.caption if c.value.startswith("Persona")] == [
        "Persona: Maya Hoffmann",
        "Persona: Daniel Okafor",
        "Persona: Priya Nair",
    ]


def test_the_sidebar_picker_follows_the_journey_in_the_url(app_env):
    at = open_page("app.py", TRIAL)
    assert at.sidebar.selectbox(key="_pick_journey_id").value == 2
    assert at.query_params["journey"] == ["2"] or at.query_params["journey"] == "2"


def test_a_journey_is_created_on_home_from_a_template_and_its_stages_page_opens(app_env):
    at = open_page("app.py")
    at.text_input(key="new_journey_name").input("Workshop: Acme cars")
    at.selectbox(key="new_journey_persona").set_value(1)
    at.selectbox(key="new_journey_template").set_value("car-buying")
    at.button(key="FormSubmitter:new_journey_form-Create journey").click().run()
    assert not at.exception
    assert at.title[0].value.startswith("Stages") or "Stages" in at.title[0].value
    created = "Journey “Workshop: Acme cars” created: fill in its stages."
    assert plain(at.success[0].value) == created
    from journey.storage import Store

    store = Store(app_env)
    [row] = [j for j in store.journeys() if j.name == "Workshop: Acme cars"]
    journey = store.load_journey(row.id)
    assert row.persona_id == 1 and row.friction_points >= 4
    assert journey.stage("decision").customer_goal  # filled from the template
    assert journey.metrics == [] and journey.scenarios == []  # not the sample's invented figures
    assert at.sidebar.selectbox(key="_pick_journey_id").value == row.id


def test_presentation_mode_is_remembered_in_the_session(app_env):
    at = open_page("app.py")
    at.sidebar.toggle(key="_pick_presenting").set_value(True).run()
    assert at.session_state["presenting"] is True
    assert not at.sidebar.expander  # the new-journey form is an editing control


def test_the_sidebar_links_every_page_and_each_opens_from_the_app(app_env):
    from journey.presentation import PAGES

    at = open_page("app.py")
    links = at.sidebar.get("page_link")
    assert [(link.proto.label, link.proto.icon) for link in links] == [
        (page.label, page.icon) for page in PAGES
    ]
    for path, *_ in PAGES[1:]:
        at.switch_page(path).run()
        assert not at.exception, (path, [e.value for e in at.exception])


def test_picking_another_journey_in_the_sidebar_wins_over_the_url(app_env):
    at = open_page("app.py", CAR)
    at.sidebar.selectbox(key="_pick_journey_id").set_value(3).run()
    assert at.session_state["journey_id"] == 3
    assert at.query_params["journey"] in (["3"], "3")
    at.run()  # the next rerun still carries the URL: it must say 3 now, not 1
    assert at.sidebar.selectbox(key="_pick_journey_id").value == 3


@pytest.mark.parametrize("page", ["5_Metrics.py", "6_What_if.py", "7_Observed_timeframes.py"])
def test_charts_keep_their_plot_height_in_the_browser(page, app_env):
    """Streamlit's frontend counts title, axes and legend in a chart's height unless the
    spec says ``autosize: pad``; without it short charts are squashed flat (seen in chromium)."""
    import json

    at = open_page(page, CAR)
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert specs
    assert [s.get("autosize") for s in specs] == [{"type": "pad"}] * len(specs)


def test_the_presentation_toggle_is_first_in_the_sidebar_in_sight_at_1280x720(app_env):
    at = open_page("app.py")
    shown = [n for n in at.sidebar if n.type not in ("block", "html", "sidebar")]
    assert shown[0].type == "toggle" and shown[0].key == "_pick_presenting"
    assert any(n.type == "page_link" for n in shown[1:])  # the page links come after it
