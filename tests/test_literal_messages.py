"""Text people type, and cells of the files they upload, never become Markup in a message.

adv-markdown-injection-messages: one hostile string sent through every message path (a
conflict, a lost edit, "Scenario ... saved", a taken scenario name, "Target of ... saved", a
KPI CSV header error, an event-import error quoting a file cell) must come back shown
literally: the message is exactly ``ui.literal`` of what a person reads.
"""

import re

import pytest

from journey import kpis, ui
from journey.model import Persona
from journey.storage import Store
from tests.conftest import CAR, TRIAL, open_page, plain

HOSTILE = (
    "![I](http://127.0.0.1:1/q.png) [L](javascript:alert(1)) :red[R] **B** "
    "$\\href{javascript:x}{K}$ https://evil.example/x.png ![x](http://e/x.png) :red[x] $x$ "
    "www.evil.example me@evil.example"
)
#: What must be read back as typed (a message may quote the string with repr()).
PIECES = (
    "![I](http://127.0.0.1:1/q.png)",
    "[L](javascript:alert(1))",
    ":red[R]",
    "**B**",
    "href{javascript:x}{K}$",
    "https://evil.example/x.png",
    "![x](http://e/x.png)",
    ":red[x]",
    "$x$",
    "www.evil.example",
    "me@evil.example",
)
#: GitHub-flavoured Markdown's bare-address links, as Streamlit's Markdown (remark-gfm) finds
#: them in the text once the escapes are read (the patterns of its JavaScript, ASCII \w).
BARE_LINKS = (
    re.compile(r"(https?://|www(?=\.))([-.a-zA-Z0-9_]+)", re.IGNORECASE),
    re.compile(r"([-.a-zA-Z0-9_+]+)@([-a-zA-Z0-9_]+(?:\.[-a-zA-Z0-9_]+)+)"),
)


def bare_links(markdown: str) -> list[str]:
    """The addresses Markdown would turn into links in ``markdown`` (escapes read)."""
    text = re.sub(r"\\(.)", r"\1", markdown)
    return [m.group(0) for pattern in BARE_LINKS for m in pattern.finditer(text)]


def assert_literal(markdown: str) -> None:
    """The message holds the hostile text, and every character of it is escaped."""
    # (a KPI CSV header is quoted lower-cased)
    assert all(piece.casefold() in plain(markdown).casefold() for piece in PIECES), markdown
    assert markdown == ui.literal(plain(markdown))
    assert not bare_links(markdown), markdown


def test_bare_addresses_are_not_linked_and_read_as_typed():
    text = "see https://evil.example/x.png, WWW.evil.example or me@evil.example"
    assert bare_links(text)  # the check finds them in text that is not made literal
    assert not bare_links(ui.literal(text))
    assert plain(ui.literal(text)) == text


def test_a_persona_card_shows_a_hostile_role_literally(db):
    db.create_persona(1, Persona(name="Pat", role=HOSTILE))
    at = open_page("1_Personas.py")
    [caption] = [c.value for c in at.caption if "evil" in c.value]
    assert_literal(caption)


def test_a_kpi_named_by_an_imported_file_is_shown_literally(db):
    traffic = kpis.find_metric(db.load_journey(1), "website_traffic")
    db.update_metric(traffic.id, traffic.version, name=HOSTILE)
    at = open_page("5_Metrics.py", CAR, query={"metrics_tab": "KPIs"})
    assert not at.exception
    [label] = [m.label for m in at.metric if "evil" in m.label]
    assert_literal(label)


def personas_page(persona_id: int):
    """The Personas page with one persona's edit form open (drawn only while open)."""
    return open_page("1_Personas.py", **{f"edit_persona_{persona_id}": True})


@pytest.fixture
def db(seeded, app_env) -> Store:
    """The app's database, holding the samples."""
    return seeded


def test_a_conflict_message_and_its_values_are_shown_literally(db):
    persona = db.create_persona(1, Persona(name=HOSTILE))
    at = personas_page(persona.id)
    db.update_persona(persona.id, 1, role=HOSTILE)  # someone else saves the hostile role
    at.text_input(key=f"persona_{persona.id}_role").input("Mine")
    at.button(key=f"persona_{persona.id}_save").click().run()
    assert not at.exception
    assert_literal(at.error[0].value)
    [row] = at.table[0].value.to_dict("records")
    assert_literal(row["Saved by someone else"])


def test_a_lost_edit_and_its_save_as_new_notice_are_shown_literally(db):
    persona = db.create_persona(1, Persona(name=HOSTILE))
    at = personas_page(persona.id)
    at.text_area(key=f"persona_{persona.id}_goals").input("typed")
    db.delete_persona(persona.id)
    at.button(key=f"persona_{persona.id}_save").click().run()
    assert_literal(at.warning[0].value)
    at.button(key="lost_persona_0_new").click().run()
    assert_literal(at.success[0].value)


def test_scenario_saved_and_a_taken_scenario_name_are_shown_literally(db):
    at = open_page("6_What_if.py")
    at.slider(key="lever_margin").set_value(0.2).run()
    at.text_input(key="scenario_name").input(HOSTILE)
    at.button(key="scenario_save").click().run()
    assert not at.exception
    assert_literal(at.success[0].value)
    [name] = [t for t in at.text_input if t.label == "Scenario name"]  # a fresh key now
    name.input(HOSTILE)
    at.button(key="scenario_save").click().run()
    assert_literal(at.error[0].value)


def test_target_of_a_kpi_named_by_an_imported_file_saved_is_shown_literally(db):
    traffic = kpis.find_metric(db.load_journey(1), "website_traffic")
    db.update_metric(traffic.id, traffic.version, name=HOSTILE)
    at = open_page("5_Metrics.py", CAR, query={"metrics_tab": "KPIs"})
    at.selectbox(key="kpi_target_metric").set_value("website_traffic")
    at.number_input(key="kpi_target_value").set_value(24000.0)
    at.button(key="kpi_target_submit").click().run()
    assert not at.exception
    assert_literal(at.success[0].value)


def test_a_kpi_csv_header_error_quoting_the_file_is_shown_literally(db):
    at = open_page("5_Metrics.py", CAR, query={"metrics_tab": "KPIs"})
    csv = f"metric,date,{HOSTILE}\nnps,2026-11-01,48\n".encode()
    at.file_uploader(key="kpi_upload").set_value(("kpis.csv", csv, "text/csv"))
    at.button(key="kpi_upload_submit").click().run()
    assert not at.exception
    assert_literal(at.error[0].value)


def test_an_event_import_error_quoting_a_file_cell_is_shown_literally(db):
    at = open_page("7_Observed_timeframes.py", TRIAL)
    data = f"customer_id,timestamp,event\nc1,{HOSTILE},purchase\nc2,2026-01-01,visit\n"
    at.file_uploader(key="events_upload").upload("bad.csv", data.encode(), "text/csv")
    at.run()
    at.checkbox(key="events_confirm").check().run()
    at.button(key="events_import").click().run()
    assert not at.exception
    assert_literal(at.error[0].value)
