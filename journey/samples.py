"""The sample journeys that ship with Journey Lab, and seeding a fresh database with them.

Each sample is one exchange document in ``sample_data/`` (a workspace, one persona and one
journey), written exactly as an export would write it, so importing a sample and exporting it
again gives the same file but for ``exported_at``. The car-buying journey is the worked
example of the source material.

>>> store = Store("journey.db")
>>> seed(store)  # an empty database gets a "Sample workspace" with all three journeys
1
>>> add_sample_journey(store, 1, "online-shop")  # one more copy of a sample journey
4
"""

from __future__ import annotations

import pathlib
from typing import TYPE_CHECKING

from . import exchange
from .model import Journey, NotFoundError

if TYPE_CHECKING:
    from .storage import Store

SAMPLE_DIR = pathlib.Path(__file__).resolve().parent.parent / "sample_data"

SAMPLE_EVENTS = "car-buying-events.csv"  # made by scripts/generate_events.py
SAMPLE_EVENTS_FOR = "car-buying"
SAMPLES: dict[str, str] = {
    "car-buying": "Car buying",
    "b2b-software-trial": "B2B software trial",
    "online-shop": "Online shop",
}

SAMPLE_WORKSPACE = "Sample workspace"
SAMPLE_WORKSPACE_DESCRIPTION = (
    "The journeys that ship with Journey Lab: edit freely, or start your own workspace."
)


def sample_path(slug: str) -> pathlib.Path:
    """The file of the sample called ``slug`` ("car-buying"); NotFoundError if there is none."""
    if slug not in SAMPLES:
        raise NotFoundError(
            f"there is no sample called {slug!r}; the samples are {', '.join(SAMPLES)}"
        )
    return SAMPLE_DIR / f"{slug}.json"


def load_sample(slug: str) -> dict:
    """The sample called ``slug`` as an exchange document (a dict, not yet checked)."""
    return exchange.load_document(sample_path(slug))


def seed(store: Store) -> int | None:
    """Fill an empty database with the samples; return the new workspace's id.

    Does nothing and returns None when the database already holds a workspace. The samples
    are read and checked before anything is written, so a broken file leaves the database
    empty rather than half seeded.
    """
    docs = [load_sample(slug) for slug in SAMPLES]
    for doc in docs:
        exchange.parse_document(doc)
    with store.write():  # check and fill in one transaction: two first starts seed once
        if not store.is_empty():
            return None
        ws = store.create_workspace(SAMPLE_WORKSPACE, SAMPLE_WORKSPACE_DESCRIPTION)
        journey_ids = [store.import_document(doc, workspace_id=ws.id).journeys[0] for doc in docs]
        _import_sample_events(store, journey_ids[list(SAMPLES).index(SAMPLE_EVENTS_FOR)])
    return ws.id


def _import_sample_events(store: Store, journey_id: int) -> None:
    """The example event log, so the observed timeframes have something to show at once."""
    from . import events, observed

    path = SAMPLE_DIR / SAMPLE_EVENTS
    guess = events.inspect(path)
    mapping = events.guess_mapping([name for name, _count in guess["event_names"]])
    mapping.guessed = False  # the sample's event names were chosen to be mapped this way
    observed.import_events(store, journey_id, path, guess["guess"], mapping)


def add_sample_journey(store: Store, workspace_id: int, slug: str) -> int:
    """Add the journey of sample ``slug`` (with its persona) to a workspace; return its id."""
    result = store.import_document(load_sample(slug), workspace_id=workspace_id)
    return result.journeys[0]


def template(slug: str) -> Journey:
    """The journey of sample ``slug`` as a template: its stages with their touchpoints and
    friction and key points, and its assumptions. Not its persona, and not its KPI values or
    scenarios: those are the sample's invented figures, not the new journey's."""
    parsed = exchange.parse_document(load_sample(slug))
    journey, _persona_ref = parsed.journeys[0]
    journey.metrics, journey.scenarios = [], []
    return journey


def new_journey(
    store: Store,
    workspace_id: int,
    name: str,
    persona_id: int | None = None,
    template_slug: str | None = None,
) -> Journey:
    """Create a journey in a workspace, blank or from the template of sample
    ``template_slug`` (named after it when ``name`` is blank); return it.

    Raises ValidationError for a bad name or a persona of another workspace, and
    NotFoundError for an unknown sample.
    """
    journey = template(template_slug) if template_slug else None
    if journey is not None:
        journey.name = name.strip() or journey.name
        journey.persona_id = persona_id
    return store.create_journey(workspace_id, name.strip(), persona_id=persona_id, journey=journey)
