"""What the benchmarks share: the reference page every page is measured against."""

#: One SQLite read, one Altair chart, one dataframe: the yardstick for page reruns.
REFERENCE_PAGE = """
import sqlite3

import altair as alt
import pandas as pd
import streamlit as st

conn = sqlite3.connect({db!r})
frame = pd.read_sql_query(
    "SELECT j.name AS journey, sum(s.duration_days) AS days FROM journeys j "
    "JOIN stages s ON s.journey_id = j.id GROUP BY j.id ORDER BY j.id LIMIT 20", conn)
conn.close()
st.title("Reference")
st.altair_chart(alt.Chart(frame).mark_bar().encode(x="days:Q", y="journey:N"), key="chart")
st.dataframe(frame, key="table")
"""
