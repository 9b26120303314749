"""Presentation mode and links, without Streamlit: the page styles, the deck's keyboard
script and the strict reading of numbers in a link.

The styles and the script are static text written here (never user text). :mod:`journey.ui`
puts them on the page; the deck's slides are built by :func:`journey.journey_map.deck`.
"""

from __future__ import annotations

import pathlib
import re
from typing import NamedTuple

#: Every page (static CSS): metric values, labels and deltas wrap instead of being cut with an
#: ellipsis, so no figure is hidden at 1280x720.
LAYOUT_CSS = """
<style>
  [data-testid="stMetricValue"], [data-testid="stMetricValue"] *,
  [data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *,
  [data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * {
    white-space: normal !important; overflow: visible !important;
    text-overflow: clip !important; overflow-wrap: anywhere; height: auto !important;
  }
  [data-testid="stMetricDelta"] { max-width: 100%; }
  [data-testid="stMetricValue"] { font-size: clamp(1.2rem, 1.8vw, 2.25rem); line-height: 1.2; }
</style>
"""

#: Every page (static CSS), tables only: a long word in a table cell or heading wraps (at
#: any point if it must), so an st.table fits the main block instead of running off its
#: right edge. Kept apart from the presentation-mode rules.
TABLE_CSS = """
<style>
  [data-testid="stTable"] table { width: 100%; }
  [data-testid="stTable"] th, [data-testid="stTable"] td,
  [data-testid="stTable"] th *, [data-testid="stTable"] td * {
    overflow-wrap: anywhere !important; word-break: normal !important;
  }
  [data-testid="stTable"] th [data-testid="stMarkdownContainer"],
  [data-testid="stTable"] td [data-testid="stMarkdownContainer"] { display: block !important; }
</style>
"""

#: Presentation mode (static CSS): no sidebar, large type, less padding so that a slide fits
#: a 1280x720 projector.
PRESENTATION_CSS = """
<style>
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stExpandSidebarButton"], [data-testid="stHeader"] { display: none !important; }
  .stMainBlockContainer, [data-testid="stMainBlockContainer"] {
    padding-top: 1rem !important; padding-bottom: 1rem !important;
  }
  .stApp, .stMarkdown p, .stMarkdown li { font-size: 1.3rem; line-height: 1.45; }
  h1 { font-size: 2.6rem !important; } h2 { font-size: 2.1rem !important; }
  h3 { font-size: 1.65rem !important; }
  [data-testid="stMetricValue"] { font-size: clamp(1.4rem, 2.2vw, 2.6rem); }
  [data-testid="stMetricLabel"] p { font-size: 1.1rem; }
</style>
"""

#: The Present deck (static CSS): a slide's text a little smaller than other pages' in
#: presentation mode, still 18 px or more, so a stage with its points fits 1280x720.
DECK_CSS = """
<style>
  .stMarkdown p, .stMarkdown li { font-size: 1.15rem !important; line-height: 1.35 !important; }
  .stMarkdown li { margin-bottom: 0.2rem; }
  h2 { font-size: 1.9rem !important; padding-top: 0.4rem !important; }
</style>
"""


class Page(NamedTuple):
    """One page of the app: its file (from the project root), its name in the navigation
    and the browser tab, its Material icon, and its heading when that is not its name."""

    path: str
    label: str
    icon: str
    heading: str = ""

    @property
    def title(self) -> str:
        """The page's heading (Markdown: static text only): ``":material/map: Journey map"``."""
        return f"{self.icon} {self.heading or self.label}"


#: Every page, in workshop order: the one table the navigation (Streamlit's own would label
#: the home page "app"), each page's browser tab and each page's heading come from. Material
#: icons: emoji and symbols such as ⧉ show as empty boxes without an emoji font.
PAGES = [
    Page("app.py", "Home", ":material/home:", heading="Journey Lab"),
    Page("pages/1_Personas.py", "Personas", ":material/person:"),
    Page("pages/2_Stages.py", "Stages", ":material/stairs:"),
    Page("pages/3_Friction_and_key_points.py", "Friction and key points", ":material/bolt:"),
    Page("pages/4_Journey_map.py", "Journey map", ":material/map:"),
    Page("pages/5_Metrics.py", "Metrics", ":material/monitoring:"),
    Page("pages/6_What_if.py", "What if", ":material/tune:"),
    Page("pages/7_Observed_timeframes.py", "Observed timeframes", ":material/timer:"),
    Page("pages/8_Workspace_and_history.py", "Workspace and history", ":material/history:"),
    Page("pages/9_Present.py", "Present", ":material/co_present:"),
    Page("pages/10_Dot_voting.py", "Dot voting", ":material/how_to_vote:"),
]


def page_for(file: str) -> Page:
    """The entry of :data:`PAGES` for a page's file (its ``__file__``, any folder; the file
    name decides). Raises KeyError for a file that is not a page of the app."""
    name = pathlib.PurePath(file).name
    for page in PAGES:
        if pathlib.PurePath(page.path).name == name:
            return page
    raise KeyError(f"{name} is not in presentation.PAGES")


#: The smallest chart text in presentation mode, in pixels.
CHART_TEXT_PX = 16

#: The deck's keys (static script): ←/→ and PageUp/PageDown press the deck's Previous and
#: Next buttons wherever the focus is (also on a toggle just switched, where Streamlit's own
#: shortcuts do not fire), except while typing in a text field.
DECK_KEYS_JS = """
<script>
if (!window.journeyDeckKeys) {
  window.journeyDeckKeys = true;
  const NOT_TYPING = ["checkbox", "radio", "button", "range", "submit", "reset", "color", "file"];
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target && (target.isContentEditable || target.tagName === "TEXTAREA"
      || target.tagName === "SELECT"
      || (target.tagName === "INPUT" && !NOT_TYPING.includes(target.type)));
    const where = {ArrowLeft: "prev", PageUp: "prev", ArrowRight: "next", PageDown: "next"};
    if (typing || event.altKey || event.ctrlKey || event.metaKey || !where[event.key]) return;
    const button = document.querySelector(`.st-key-present_${where[event.key]} button`);
    if (!button) return;
    event.preventDefault();
    event.stopPropagation();
    if (!button.disabled) button.click();
  }, true);
}
</script>
"""

#: A number in a link: ASCII digits only (``str.isdigit`` also accepts "²" and "١", which
#: ``int`` refuses or reads as another number), at most 18 of them (below 2**63).
_LINK_NUMBER = re.compile(r"[0-9]{1,18}")
SHOWN_CHARS = 24  # of a rejected link value, in a notice


def link_number(values: list[str]) -> int | None:
    """The number a link parameter holds (its values, as ``st.query_params.get_all``
    gives them), or None unless it is exactly one plain number of 1 to 18 ASCII digits.

    >>> link_number(["12"]), link_number(["²"]), link_number(["1", "2"]), link_number(["-1"])
    (12, None, None, None)
    """
    if len(values) == 1 and _LINK_NUMBER.fullmatch(values[0]):
        return int(values[0])
    return None


def shown_value(values: list[str]) -> str:
    """A rejected link value as a notice quotes it: short, repeated values joined."""
    text = " and ".join(values)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"
