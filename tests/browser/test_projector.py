"""The reference screen is a 1280x720 projector (and a 1920x1080 one): every page and tab,
with presentation mode off and on, shows every figure whole, and the Present deck fits one
screen per slide and follows the keyboard.

Each page is photographed into test-artifacts/ (``projector-<size>-<mode>-<page>.png``) for
a person to look at.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
import urllib.parse

import pytest

from journey import journey_map, presentation, samples
from journey.storage import Store
from tests.conftest import run_cli

from .conftest import ARTIFACTS, ROOT, settle, start_server, stop_server, submit

SIZES = [(1280, 720), (1920, 1080)]
#: Every page, and every tab kept in a link (path, query, a name for the screenshot).
VIEWS = [
    ("", {}, "home"),
    ("Personas", {}, "personas"),
    ("Stages", {}, "stages"),
    ("Friction_and_key_points", {}, "moments"),
    ("Journey_map", {}, "map"),
    ("Journey_map", {"map_view": "Picture"}, "map-picture"),
    *[
        ("Metrics", {"metrics_tab": tab}, f"metrics-{tab.split()[0].lower()}")
        for tab in ("Timeframes", "Across the workspace", "KPIs", "Funnel")
    ],
    ("What_if", {}, "what-if"),
    ("Observed_timeframes", {}, "observed"),
    ("Workspace_and_history", {}, "workspace"),
    ("Present", {}, "present"),
]
LONG_NAME = "Long-text journey for the projector"
LONG = "Long text, the way a workshop types it when nobody stops them " * 32  # ~2,000 chars


def long_document() -> dict:
    """The car sample with every text of its journey made long (titles, goals, thoughts,
    touchpoints, ten long points a stage), as a tester would paste it."""
    doc = copy.deepcopy(samples.load_sample("car-buying"))
    journey = doc["journeys"][0]
    journey["name"] = (LONG_NAME + " " + LONG)[:200]
    for stage in journey["stages"]:
        for field in ("customer_goal", "customer_actions", "thoughts"):
            stage[field] = (stage.get(field) or field) + " " + LONG
        stage["label"] = (stage["label"] + " " + LONG)[:200]
        stage["touchpoints"] = stage["touchpoints"] * 4
        model = stage["moments"][0]
        stage["moments"] = [
            {
                **model,
                "kind": kind,
                "severity": i % 5 + 1,
                "title": f"{i} {LONG}"[:200],
                "action": f"{i} {LONG}",
                "description": LONG,
            }
            for i in range(5)
            for kind in ("friction", "key")
        ]
    return doc


@pytest.fixture(scope="module")
def long_journey(server, tmp_path_factory) -> int:
    """The id of the long-text journey, imported next to the samples."""
    import json

    path = tmp_path_factory.mktemp("long") / "long.json"
    path.write_text(json.dumps(long_document()), encoding="utf-8")
    run_cli("seed", db=server.db)  # the samples first, as the app would (nothing if there)
    assert run_cli("import", str(path), db=server.db).returncode == 0
    store = Store(server.db)
    try:
        return max(j.id for j in store.journeys() if j.name.startswith(LONG_NAME))
    finally:
        store.close()


def deck_length(server, journey_id: int) -> int:
    """How many slides the Present deck of a journey has (stages and summary split)."""
    store = Store(server.db)
    try:
        journey = store.load_journey(journey_id)
    finally:
        store.close()
    return len(
        presentation.paged_deck(
            journey_map.deck(journey),
            {c["stage"]: c for c in journey_map.stage_cards(journey)},
            journey_map.ranked_points(journey, "friction"),
            journey_map.ranked_points(journey, "key"),
        )
    )


#: What is cut or clipped on the page, as sentences (empty when nothing is).
PROBLEMS_JS = """() => {
  const problems = [];
  const shown = (el) => el instanceof HTMLElement && el.offsetParent !== null;
  const name = (el) => (el.dataset.testid || el.tagName) + ' "' +
    el.textContent.trim().slice(0, 40) + '"';
  const parts = '[data-testid=stMetric], [data-testid=stMetricValue], ' +
    '[data-testid=stMetricLabel], [data-testid=stMetricDelta]';
  for (const el of document.querySelectorAll(parts)) {
    if (!shown(el)) continue;
    for (const inner of [el, ...el.querySelectorAll('*')]) {
      if (shown(inner) && inner.clientWidth > 0 && inner.scrollWidth > inner.clientWidth + 1) {
        problems.push(`${name(inner)} is cut: ${inner.scrollWidth} > ${inner.clientWidth}`);
      }
    }
  }
  for (const card of document.querySelectorAll('[data-testid=stMetric]')) {
    const box = card.getBoundingClientRect();
    for (const el of card.querySelectorAll('p, [data-testid=stMetricValue] > div')) {
      if (shown(el) && el.getBoundingClientRect().right > box.right + 1) {
        problems.push(`${name(el)} sticks out of its card`);
      }
    }
  }
  const main = document.querySelector('[data-testid=stMain]');
  if (main.scrollWidth > main.clientWidth + 1) {
    problems.push(`the page scrolls sideways: ${main.scrollWidth} > ${main.clientWidth}`);
  }
  const block = document.querySelector('[data-testid=stMainBlockContainer]');
  const right = block.getBoundingClientRect().right;
  const wide = '[data-testid=stVegaLiteChart], [data-testid=stDataFrame], ' +
    '[data-testid=stTable], [data-testid=stTable] table, [data-testid=stHorizontalBlock], ' +
    '[data-testid=stImage]';
  for (const el of block.querySelectorAll(wide)) {
    if (shown(el) && el.getBoundingClientRect().right > right + 1) {
      problems.push(`${name(el)} is clipped at the right edge`);
    }
  }
  return problems;
}"""

#: The bottom of the lowest thing drawn in the main area, in pixels from the top.
BOTTOM_JS = """() => Math.max(0, ...[...document.querySelectorAll(
  '[data-testid=stMain] [data-testid=stElementContainer]')]
  .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().height > 0)
  .map((e) => e.getBoundingClientRect().bottom))"""


def sidebar_is(page, *, shown: bool) -> None:
    """Wait (a few seconds at most) until the sidebar is shown or hidden."""
    page.locator('[data-testid="stSidebar"]').wait_for(
        state="visible" if shown else "hidden", timeout=5_000
    )


def url(server, path: str, **query) -> str:
    return f"{server.url}/{path}?{urllib.parse.urlencode(query)}"


def look(page, server, path: str, query: dict) -> None:
    page.goto(url(server, path, **query))
    settle(page)
    page.wait_for_timeout(300)  # charts draw after the script run has finished


@pytest.fixture(params=SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def screen(browser, request):
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    from .conftest import RunTracker

    pg.runs = RunTracker(pg)
    pg.size = (width, height)
    yield pg
    context.close()


@pytest.mark.parametrize("presenting", [False, True], ids=["editing", "presenting"])
def test_no_figure_is_cut_and_nothing_is_clipped_on_any_page(screen, server, presenting):
    width, height = screen.size
    mode = "presenting" if presenting else "editing"
    ARTIFACTS.mkdir(exist_ok=True)
    found = {}
    for path, query, name in VIEWS:
        look(screen, server, path, {"journey": 1, "present": int(presenting), **query})
        screen.screenshot(path=str(ARTIFACTS / f"projector-{width}x{height}-{mode}-{name}.png"))
        if problems := screen.evaluate(PROBLEMS_JS):
            found[name] = problems
        sidebar_is(screen, shown=not presenting)
    assert found == {}


def test_each_slide_of_the_deck_fits_the_screen_with_the_sidebar_hidden(
    screen, server, long_journey
):
    width, height = screen.size
    tall = {}
    journeys = (1, 2, 3, long_journey) if width == 1280 else (1, long_journey)
    for journey in journeys:
        for slide in range(1, deck_length(server, journey) + 1):
            look(screen, server, "Present", {"journey": journey, "present": 1, "slide": slide})
            sidebar_is(screen, shown=False)
            if journey in (1, long_journey):
                shot = f"deck-{width}x{height}-{'long-' if journey != 1 else ''}{slide}.png"
                screen.screenshot(path=str(ARTIFACTS / shot))
            if (bottom := screen.evaluate(BOTTOM_JS)) > height:
                tall[(journey, slide)] = round(bottom)
            if problems := screen.evaluate(PROBLEMS_JS):
                tall[(journey, slide, "cut")] = problems
    assert tall == {}
    assert deck_length(server, long_journey) > 7 + 5  # its stages and summary were split


#: The font size of the first st.table cell, and the zoom of the first st.dataframe.
#: Both kinds of table drawn (the lanes st.table and the channel dataframe), after the rerun.
TABLES_DRAWN_JS = """() => document.querySelector('[data-testid=stTable] td') !== null
  && document.querySelector('[data-testid=stDataFrame]') !== null"""
TABLE_TEXT_JS = """() => {
  const cell = document.querySelector('[data-testid=stTable] td');
  const frame = document.querySelector('[data-testid=stDataFrame]');
  return [cell && parseFloat(getComputedStyle(cell).fontSize),
          frame && parseFloat(getComputedStyle(frame).zoom)];
}"""


def test_tables_are_enlarged_while_presenting_and_the_toggle_is_in_sight(screen, server):
    height = screen.size[1]
    look(screen, server, "", {"journey": 1})
    toggle = screen.locator(".st-key-_pick_presenting").first.bounding_box()
    assert toggle is not None and toggle["y"] + toggle["height"] <= height
    look(screen, server, "Journey_map", {"journey": 1, "present": 1})
    screen.wait_for_function(TABLES_DRAWN_JS)
    cell_px, zoom = screen.evaluate(TABLE_TEXT_JS)
    assert cell_px >= 18 and zoom >= 1.2
    look(screen, server, "Journey_map", {"journey": 1, "present": 0})
    screen.wait_for_function(TABLES_DRAWN_JS)
    assert screen.evaluate(TABLE_TEXT_JS) == [14, 1]


def slide_in_url(page) -> int:
    return int(re.search(r"slide=(\d+)", page.url).group(1))


def press(page, key: str) -> None:
    """Press a key that moves the deck, and wait for the rerun it asks for."""
    before = page.runs.requested
    page.keyboard.press(key)
    page.wait_for_function("() => true")
    for _ in range(200):
        if page.runs.requested > before:
            break
        page.wait_for_timeout(25)
    settle(page)


def test_the_arrow_keys_work_right_after_the_toggle_and_a_reload_keeps_the_slide(page, server):
    page.goto(url(server, "Present", journey=1, slide=2))
    settle(page)
    toggle = page.locator(".st-key-_pick_presenting input, .st-key-_pick_presenting label").first
    submit(page, toggle)  # the focus stays on the (now hidden) toggle
    assert "present=1" in page.url
    press(page, "ArrowRight")
    assert slide_in_url(page) == 3
    press(page, "PageDown")
    press(page, "ArrowLeft")
    assert slide_in_url(page) == 3
    press(page, "PageUp")
    assert slide_in_url(page) == 2
    heading = page.locator('[data-testid="stMain"] h2').first.inner_text()
    page.reload()
    settle(page)
    assert slide_in_url(page) == 2 and "present=1" in page.url
    assert page.locator('[data-testid="stMain"] h2').first.inner_text() == heading
    sidebar_is(page, shown=False)
    page.get_by_role("button", name="Leave presentation mode").click()
    settle(page)
    assert "present=1" not in page.url
    sidebar_is(page, shown=True)


def test_a_reload_keeps_the_stage_and_metrics_tabs(page, server):
    page.goto(url(server, "Stages", journey=1))
    settle(page)
    submit(page, page.get_by_role("tab", name="Decision"))
    assert "stage_tab=Decision" in page.url
    page.reload()
    settle(page)
    assert page.get_by_role("tab", name="Decision").get_attribute("aria-selected") == "true"
    page.goto(url(server, "Metrics", journey=1))
    settle(page)
    submit(page, page.get_by_role("tab", name="Funnel"))
    page.reload()
    settle(page)
    assert page.get_by_role("tab", name="Funnel").get_attribute("aria-selected") == "true"


#: The map picture's scale as shown: its displayed width over its own (SVG) width.
PICTURE_SCALE_JS = """() => {
  const img = document.querySelector('[data-testid=stMain] [data-testid=stImage] img');
  return img && img.naturalWidth ? img.getBoundingClientRect().width / img.naturalWidth : null;
}"""


@pytest.mark.parametrize("presenting", [False, True], ids=["editing", "presenting"])
def test_the_map_picture_is_shown_at_its_own_size_so_its_16_px_text_stays_legible(
    screen, server, presenting
):
    look(
        screen,
        server,
        "Journey_map",
        {"journey": 1, "present": int(presenting), "map_view": "Picture"},
    )
    screen.locator('[data-testid="stMain"] [data-testid="stImage"] img').first.wait_for()
    scale = screen.evaluate(PICTURE_SCALE_JS)
    assert scale is not None and 16 * scale >= 14, f"text shown at {16 * scale:.1f} px"


#: A journey whose texts are long (a 63-letter word in a stage's goal, 14-row comparisons)
#: and whose figures are huge (revenue of €88 billion): the tester's long-text journey.
LONG_JOURNEY = ROOT / "tests" / "cases" / "long_text_journey.json"
LONG_VIEWS = [("Journey_map", "map"), ("What_if", "what-if"), ("Stages", "stages")]


@pytest.fixture(scope="module")
def long_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("long")
    db = folder / "journey.db"
    for args in (["seed"], ["import", str(LONG_JOURNEY)]):
        subprocess.run([sys.executable, "-m", "journey", *args, "--db", str(db)], check=True)
    srv = start_server(db, folder / "streamlit.log")
    yield srv
    stop_server(srv)


def test_long_words_wrap_and_huge_figures_fit_at_1280(browser, long_server):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(30_000)
    from .conftest import RunTracker

    page.runs = RunTracker(page)
    found = {}
    for path, name in LONG_VIEWS:
        look(page, long_server, path, {"journey": 4})
        page.screenshot(path=str(ARTIFACTS / f"projector-1280x720-long-{name}.png"))
        if problems := page.evaluate(PROBLEMS_JS):
            found[name] = problems
    context.close()
    assert found == {}
