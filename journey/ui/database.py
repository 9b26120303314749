"""The app's database, opened once per server process (its connections are per thread)."""

from __future__ import annotations

import streamlit as st

from .. import samples, settings
from ..storage import Store


@st.cache_resource(show_spinner=False)
def _open_store(path: str) -> Store:
    store = Store(path)
    if not store.read_only:  # a read-only file is served as it is, to viewers only
        samples.seed(store)
    return store


def database() -> Store:
    """The database named by ``$JOURNEY_DB`` (or ``journey.db``), seeded with the samples
    when new; a read-only file is served as it is."""
    return _open_store(str(settings.database_path()))
