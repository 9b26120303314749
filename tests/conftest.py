"""Shared fixtures: a fresh database file per test, and the sample data that ships with the app."""

from __future__ import annotations

import pathlib
import re

import pytest

from journey.model import Moment, Persona
from journey.storage import Store

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture
def db_path(tmp_path: pathlib.Path) -> pathlib.Path:
    return tmp_path / "journey.db"


@pytest.fixture
def store(db_path: pathlib.Path) -> Store:
    """A migrated, empty database in a real temp file."""
    s = Store(db_path)
    yield s
    s.close()


@pytest.fixture
def seeded(store: Store) -> Store:
    """A database holding the three sample journeys."""
    from journey import samples

    samples.seed(store)
    return store


@pytest.fixture
def journey_id(store: Store) -> int:
    """One small journey with a persona and a friction point at the decision stage."""
    ws = store.create_workspace("Acme")
    persona = store.create_persona(ws.id, Persona(name="Pat", role="Parent", channels=["Web"]))
    j = store.create_journey(ws.id, "Car buyer", persona_id=persona.id)
    store.add_moment(
        j.stage("decision").id, Moment(kind="friction", title="Financing is slow", severity=4)
    )
    return j.id


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, db_path: pathlib.Path) -> pathlib.Path:
    """Point the app at a temp database (seeded on first open) and clear its caches."""
    import streamlit as st

    monkeypatch.setenv("JOURNEY_DB", str(db_path))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield db_path
    st.cache_resource.clear()
    st.cache_data.clear()


def plain(markdown: str) -> str:
    """What a person reads of Markdown written through ``ui.literal``: the escapes removed
    (and the invisible word joiners that keep bare addresses from becoming links)."""
    return re.sub(r"\\(.)", r"\1", markdown.replace("  \n", "\n")).replace("\u2060", "")
