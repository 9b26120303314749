"""The journey map and presentation pages through AppTest, on the seeded sample database.

Journey 1 is the car-buying sample, journey 2 the B2B software trial. AppTest shows Altair
charts only as their spec (``vega_lite_chart`` elements whose data sets arrive as Arrow), so
chart contents are read from there.
"""

import functools
import json
import pathlib
import re

import pytest
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from journey import images, journey_map, presentation, ui
from journey.storage import Store
from tests.conftest import CAR, WORKSPACE, open_page

MAP_PAGE = "4_Journey_map.py"
PRESENT_PAGE = "9_Present.py"


def stored(db_path: pathlib.Path, journey_id: int):
    store = Store(db_path)
    try:
        return store.load_journey(journey_id)
    finally:
        store.close()


def unescaped(text: str) -> str:
    """Markdown text as a reader sees it (``ui.literal`` puts backslashes before markup)."""
    return re.sub(r"\\(.)", r"\1", text)


def table_text(at: AppTest) -> str:
    [table] = at.table
    return unescaped(" ".join(table.value.astype(str).to_numpy().ravel()))


def chart_rows(at: AppTest, field: str) -> list[dict]:
    """Rows of every chart data set that has ``field``, across the page's charts."""
    rows = []
    for chart in at.get("vega_lite_chart"):
        for data in chart.proto.datasets:
            frame = dataframe_util.convert_arrow_bytes_to_pandas_df(data.data.data)
            if field in frame.columns:
                rows += frame.to_dict("records")
        spec = json.loads(chart.proto.spec)
        for values in spec.get("datasets", {}).values():
            rows += [r for r in values if field in r]
    return rows


# ---------------------------------------------------------------------------- journey map


def test_the_map_page_runs_for_the_car_journey(app_env):
    at = open_page(MAP_PAGE, CAR)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == ":material/map: Journey map · Buying a family car"


def test_the_map_shows_the_car_journeys_friction_points_in_its_lanes_and_on_the_curve(app_env):
    at = open_page(MAP_PAGE, CAR)
    journey = stored(app_env, 1)
    titles = [m.title for m in journey.moments if m.kind == "friction"]
    assert len(titles) >= 4
    text = table_text(at)
    for title in titles:
        assert title in text
    markers = chart_rows(at, "severity")
    assert {m["title"] for m in markers if m["kind"] == "friction"} == set(titles)


def test_the_map_table_columns_are_the_stages_with_the_buyer_journey_first(app_env):
    at = open_page(MAP_PAGE, CAR)
    [table] = at.table
    parts = [unescaped(str(c[0] if isinstance(c, tuple) else c)) for c in table.value.columns]
    assert parts == ["Buyer journey"] * 3 + ["After purchase"] * 2


def test_the_channel_matrix_lists_every_channel_of_the_sample(app_env):
    at = open_page(MAP_PAGE, CAR)
    journey = stored(app_env, 1)
    channels = {t.channel for s in journey.stages for t in s.touchpoints}
    [matrix] = at.expander[0].dataframe
    assert channels <= set(matrix.value.index)
    assert list(matrix.value.columns) == [
        "Awareness",
        "Consideration",
        "Decision",
        "Retention",
        "Advocacy",
    ]
    assert channels <= {row["channel"] for row in chart_rows(at, "count")}


def test_the_channel_gaps_say_where_a_channel_is_missing(app_env):
    at = open_page(MAP_PAGE, CAR)
    gaps = at.dataframe[-1].value
    assert gaps["Channel"].tolist() == ["Social", "Review sites", "Community"]
    reviews = gaps[gaps["Channel"] == "Review sites"].iloc[0]
    assert (reviews["Used at"], reviews["Missing at"]) == (
        "Awareness, Consideration, Advocacy",
        "Decision, Retention",
    )
    assert "Web" not in gaps["Channel"].tolist()  # used up to the purchase only: no gap


def test_the_map_offers_png_svg_and_json_downloads(app_env):
    at = open_page(MAP_PAGE, CAR)
    labels = {b.proto.label for b in at.get("download_button")}
    assert {"⬇️ PNG", "⬇️ SVG", "⬇️ Journey as JSON (exchange format)"} <= labels


def test_the_exported_picture_is_drawn_only_when_its_tab_is_open(app_env):
    at = open_page(MAP_PAGE, CAR)
    assert not at.tabs[1].children
    at.session_state["map_view"] = "Picture"
    at.run()
    assert not at.exception
    assert next(child.type for child in at.tabs[1].children.values()) == "image"


def counting(monkeypatch: pytest.MonkeyPatch, module, name: str, when=lambda *a: True) -> list:
    """Replace ``module.name`` by a wrapper that records its calls (``when`` picks which)."""
    real, calls = getattr(module, name), []

    @functools.wraps(real)
    def counted(*args, **kwargs):
        if when(*args, **kwargs):
            calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_the_picture_is_drawn_once_per_content_not_on_every_rerun(app_env, monkeypatch):
    drawn = counting(monkeypatch, images, "to_svg")
    at = open_page(MAP_PAGE, CAR, query={"map_view": "Picture"})
    at.run()
    assert not at.exception
    assert len(drawn) == 1
    image = next(iter(at.tabs[1].children.values()))
    assert image.type == "image" and "data:image/svg+xml" in image.proto.imgs[0].url


def test_the_lanes_table_is_built_once_per_content_not_on_every_rerun(app_env, monkeypatch):
    built = counting(monkeypatch, journey_map, "map_table")
    at = open_page(MAP_PAGE, CAR)
    first = table_text(at)
    at.run()
    assert len(built) == 1
    assert table_text(at) == first


def test_chart_rows_are_converted_for_the_browser_once_not_on_every_rerun(app_env, monkeypatch):
    converted = counting(
        monkeypatch,
        dataframe_util,
        "convert_anything_to_arrow_bytes",
        when=lambda data, *a, **k: isinstance(data, list),  # a chart's rows
    )
    at = open_page(MAP_PAGE, CAR)
    first = len(converted)
    at.run()
    assert first and len(converted) == first
    assert {r["title"] for r in chart_rows(at, "severity")} >= {
        m.title for m in stored(app_env, CAR).moments
    }


def test_switching_the_journey_in_the_url_switches_the_map(app_env):
    at = open_page(MAP_PAGE, CAR)
    car = stored(app_env, 1)
    at.query_params["journey"] = "2"
    at.run()
    other = stored(app_env, 2)
    assert not at.exception
    assert at.title[0].value == f":material/map: Journey map · {ui.literal(other.name)}"
    text = table_text(at)
    assert all(m.title in text for m in other.moments if m.kind == "friction")
    assert not any(m.title in text for m in car.moments if m.kind == "friction")


def test_user_text_on_the_map_is_shown_as_text_not_markup(seeded, app_env):
    name = "<b>Bold</b> [link](http://x.test) **stars**"
    journey = seeded.create_journey(WORKSPACE, name)
    at = open_page(MAP_PAGE, journey.id)
    assert not at.exception
    assert at.title[0].value == f":material/map: Journey map · {ui.literal(name)}"
    assert "<b>" not in at.title[0].value and "[link](" not in at.title[0].value


# ---------------------------------------------------------------------------- presentation


def current_slide(at: AppTest) -> str:
    return at.header[0].value


def test_the_present_deck_opens_on_the_persona_and_next_moves_to_awareness(app_env):
    at = open_page(PRESENT_PAGE, CAR)
    assert not at.exception, [e.value for e in at.exception]
    assert "Maya Hoffmann" in current_slide(at)
    assert at.button(key="present_prev").disabled
    at.button(key="present_next").click().run()
    assert at.session_state["present_slide"] == 1 and at.query_params["slide"] in (["2"], "2")
    assert current_slide(at).startswith("1. Awareness")
    at.button(key="present_prev").click().run()
    assert "Maya Hoffmann" in current_slide(at)


def test_the_deck_has_persona_five_stages_timeframes_and_summary_and_stops_at_both_ends(app_env):
    at = open_page(PRESENT_PAGE, CAR)
    seen = [current_slide(at)]
    while not at.button(key="present_next").disabled:
        at.button(key="present_next").click().run()
        seen.append(current_slide(at))
    assert [unescaped(s).split(":")[0] for s in seen[1:6]] == [
        "1. Awareness",
        "2. Consideration",
        "3. Decision",
        "4. Retention",
        "5. Advocacy",
    ]
    assert "Buyer journey against customer journey" in seen[6]
    assert "Summary (1/2)" in seen[7] and "Summary (2/2)" in seen[8]  # every point, paged
    assert len(seen) == 9 and at.session_state["present_slide"] == 8
    at.session_state["present_slide"] = 19  # a slide left over from a longer deck
    at.run()
    assert at.session_state["present_slide"] == 8


def test_the_slide_in_the_link_opens_that_slide_and_a_bad_one_is_said(app_env):
    at = open_page(PRESENT_PAGE, CAR, query={"slide": 4})
    assert current_slide(at).startswith("3. Decision")
    at = open_page(PRESENT_PAGE, CAR, query={"slide": 99})
    assert "Maya Hoffmann" in current_slide(at)
    assert "this deck has slides 1 to 9" in unescaped(at.toast[0].value)
    assert not at.warning  # a box above the slide would push it past 720 px
    for odd in ("abc", "2.5", "-1"):
        at = open_page(PRESENT_PAGE, CAR, query={"slide": odd})
        assert "Maya Hoffmann" in current_slide(at) and not at.warning
        assert at.toast and "slide" in unescaped(at.toast[0].value)


def test_a_stage_slide_shows_its_figures_points_and_actions(app_env):
    at = open_page(PRESENT_PAGE, CAR, query={"slide": 4})
    decision = stored(app_env, 1).stage("decision")
    text = unescaped(" ".join(m.value for m in at.markdown))
    assert "takes **1 week**" in text and "**60%** go on" in text
    assert decision.customer_goal in text
    assert all(m.title in text and m.action in text for m in decision.moments)


def test_slides_show_each_point_s_dots_from_the_latest_vote_unless_hidden(app_env):
    open_page(PRESENT_PAGE, CAR)  # the app seeds its database on first open
    store = Store(app_env)
    decision = store.load_journey(1).stage("decision")
    point = decision.moments[0]
    vote_id = store.open_vote(1, 5)
    for name in ("Ben", "Ada", "Kim"):
        store.cast_dot(vote_id, point.id, name)
    for slide in (4, 8):  # its stage's slide and the summary
        text = unescaped(
            " ".join(m.value for m in open_page(PRESENT_PAGE, CAR, query={"slide": slide}).markdown)
        )
        assert re.search(re.escape(point.title) + r"\*\* \((severity|impact) \d/5, 3 dots\)", text)
    store.update_vote(vote_id, store.latest_vote(1)["version"], hidden=True)
    store.close()
    text = unescaped(
        " ".join(m.value for m in open_page(PRESENT_PAGE, CAR, query={"slide": 4}).markdown)
    )
    assert point.title in text and "dots" not in text


def test_the_summary_ranks_friction_by_severity_and_key_points_by_impact(app_env):
    at = open_page(PRESENT_PAGE, CAR, query={"slide": 8})
    journey = stored(app_env, 1)
    text = unescaped(" ".join(m.value for m in at.markdown))
    worst = max((m for m in journey.moments if m.kind == "friction"), key=lambda m: m.severity)
    assert worst.title in text
    severities = [int(n) for n in re.findall(r"\(severity (\d)/5\)", text)]
    assert severities == sorted(severities, reverse=True)


def test_the_present_page_has_no_editing_controls(app_env):
    at = open_page(PRESENT_PAGE, CAR)
    main_widgets = [
        w
        for w in (
            *at.main.text_input,
            *at.main.text_area,
            *at.main.number_input,
            *at.main.slider,
            *at.main.selectbox,
        )
    ]
    assert main_widgets == []
    assert {b.key for b in at.main.button} == {"present_prev", "present_next"}


@pytest.mark.parametrize("journey_id", [2, 3])
def test_the_present_page_follows_the_journey_in_the_url(app_env, journey_id):
    at = open_page(PRESENT_PAGE, journey_id)
    assert not at.exception
    journey = stored(app_env, journey_id)
    assert ui.literal(journey.name) in at.get("progress")[0].proto.text


def test_the_map_shows_the_dots_of_the_latest_vote_unless_its_tallies_are_hidden(app_env):
    open_page(MAP_PAGE, CAR)  # seeds the samples
    store = Store(app_env)
    car = store.load_journey(1)
    first, second = [m for m in car.moments if m.kind == "friction"][:2]
    vote = store.open_vote(1, 3)
    for who in ("Ann", "Bo"):
        store.cast_dot(vote, first.id, who)
    store.cast_dot(vote, second.id, "Ann")
    at = open_page(MAP_PAGE, CAR)
    assert not at.exception
    text = " ".join(table_text(at).split())
    assert f"{first.title} ({first.severity}) · 2 dots" in text
    assert f"{second.title} ({second.severity}) · 1 dot" in text
    assert any("the dots it got in the latest vote" in unescaped(c.value) for c in at.caption)
    latest = store.latest_vote(1)
    store.update_vote(vote, latest["version"], hidden=True)
    store.close()
    at = open_page(MAP_PAGE, CAR)
    assert " dots" not in table_text(at) and " 1 dot" not in table_text(at)


def test_the_lanes_tables_long_words_wrap_so_it_fits_the_main_block(app_env):
    at = open_page(MAP_PAGE, CAR)
    bodies = [h.proto.body for h in at.get("html")]
    assert presentation.TABLE_CSS.strip() in bodies
    css = re.sub(r"\s+", " ", presentation.TABLE_CSS)
    assert "td * { overflow-wrap: anywhere !important;" in css
    # Streamlit's cell text is an inline-block as wide as its longest word: made a block
    assert 'td [data-testid="stMarkdownContainer"] { display: block !important; }' in css
