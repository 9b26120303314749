"""Journey Lab: map customer journeys and compare buyer-journey with customer-journey timeframes.

Modules, by what they hold:

- ``model``: stages, dataclasses and validation rules (pure).
- ``storage``: the SQLite store, the only module with SQL.
- ``exchange``: the versioned JSON exchange format and CSV exports (pure).
- ``samples``: the sample journeys shipped in ``sample_data/``.
- ``cli``: ``python -m journey``.
- ``ui``: the Streamlit helpers the pages share (the only module importing streamlit).
"""

__version__ = "0.1.0"
