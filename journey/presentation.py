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

#: Presentation mode (static CSS): no sidebar, large type (tables too: st.table's cells by
#: their font size, st.dataframe's canvas by zoom), less padding so that a slide fits a
#: 1280x720 projector.
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
  [data-testid="stTable"] th, [data-testid="stTable"] td,
  [data-testid="stTable"] th *, [data-testid="stTable"] td * { font-size: 1.15rem !important; }
  [data-testid="stDataFrame"] { zoom: 1.25; max-width: 100% !important; }
  [data-testid="stDataFrameResizable"] { max-width: 100% !important; }
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


# The Present deck's text budget. At 1280x720 in presentation mode (18 px type) a column of a
# stage slide holds about LINE_CHARS characters a line and COLUMN_LINES lines between its
# heading and the touchpoints (one caption, two lines at most); a summary column (half the
# width) about SUMMARY_LINE_CHARS characters and SUMMARY_LINES lines.
# Points that do not fit one slide go on to the next ("Awareness (2/2)"); a single text longer
# than its limit below is cut at a word with "…" (the map and the report show all of it).
LINE_CHARS = 34
SUMMARY_LINE_CHARS = 58
COLUMN_LINES = 11
SUMMARY_LINES = 13  # no touchpoints under the summary
STAGE_TITLE_CHARS = 45  # also in the progress line, with the journey's name
JOURNEY_NAME_CHARS = 40
POINT_TITLE_CHARS = 60
ACTION_CHARS = 160
#: The first column of a stage slide (goal, what the customer does, their thought; plain
#: text, so wider lines): its texts share DOING_LINES lines, the longest cut first.
DOING_LINE_CHARS = 40
DOING_LINES = 10
CAPTION_CHARS = 270  # the touchpoints and CLIPPED_NOTE: two lines at most
CLIPPED_NOTE = "Text cut short (…): the Journey map page and the workshop report show all of it."
_RATING = " (severity 5/5)"  # the longest rating a point's title is followed by
_PLAIN_WIDTH = 1.15  # plain text (an action) fits this many times more a line than bold


def clamp(text: str, limit: int) -> str:
    """``text`` whole when it has at most ``limit`` characters, else cut at the last space
    before the limit (or at the limit, in one long word) with "…" added.

    >>> clamp("one two three", 9), clamp("abcdefghij", 5), clamp("short", 9)
    ('one two…', 'abcd…', 'short')
    """
    text = text or ""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    cut = head.rfind(" ")
    if cut >= limit // 2:
        head = head[:cut]
    return head.rstrip(" ,;:.-·") + "…"


def text_lines(text: str, width: int = LINE_CHARS) -> int:
    """The lines ``text`` takes in a column ``width`` characters wide (one at least)."""
    return max(1, -(-len(text or "") // width))


def fit_texts(texts: list[str], lines: int, width: int = DOING_LINE_CHARS) -> list[str]:
    """``texts`` (shown one under the other, ``width`` characters a line) cut so that they
    take ``lines`` lines at most: the short ones stay whole, the longest share what is left
    (each cut with :func:`clamp`). Texts that fit are returned as they are."""
    need = [text_lines(t, width) if t else 0 for t in texts]
    if sum(need) <= lines:
        return [t or "" for t in texts]
    given = list(need)
    left = lines
    waiting = sorted((i for i in range(len(texts)) if need[i]), key=need.__getitem__)
    for k, i in enumerate(waiting):
        given[i] = min(need[i], max(1, left // (len(waiting) - k)))
        left -= given[i]
    return [
        t if given[i] >= need[i] else clamp(t, given[i] * width - width // 4)
        for i, t in enumerate(texts)
    ]


def clamp_point(point: dict) -> dict:
    """A friction or key point (dict with ``title`` and ``action``) with both cut to their
    limits; ``clipped`` says whether either was cut."""
    title = clamp(point.get("title") or "", POINT_TITLE_CHARS)
    action = clamp(point.get("action") or "", ACTION_CHARS)
    clipped = title != (point.get("title") or "") or action != (point.get("action") or "")
    return {**point, "title": title, "action": action, "clipped": clipped}


def point_lines(point: dict, width: int = LINE_CHARS) -> int:
    """The lines a point takes on a slide: its title with its rating, then its action."""
    lines = text_lines(point["title"] + _RATING, width)
    plain = int(width * _PLAIN_WIDTH)
    return lines + (text_lines("→ " + point["action"], plain) if point.get("action") else 0)


def paginate(points: list[dict], width: int = LINE_CHARS, budget: int = COLUMN_LINES):
    """``points`` (clamped) split into slides' worth, in order: each list as many as fit
    ``budget`` lines of ``width`` characters, and one at least. No points: one empty list."""
    pages: list[list[dict]] = [[]]
    used = 0
    for point in map(clamp_point, points):
        lines = point_lines(point, width)
        if pages[-1] and used + lines > budget:
            pages.append([])
            used = 0
        pages[-1].append(point)
        used += lines
    return pages


def stage_slides(card: dict) -> list[dict]:
    """A stage's card (:func:`journey.journey_map.stage_cards`) as one or more slides: each
    a copy of the card with its texts cut to their limits, ``friction`` and ``key`` the
    points that fit that slide, ``page`` (1..) and ``pages``, and ``clipped`` (whether any
    text on it was cut)."""
    friction, key = paginate(card["friction"]), paginate(card["key"])
    texts = {
        "title": clamp(card["title"], STAGE_TITLE_CHARS),
    }
    texts["goal"], texts["actions"], texts["thoughts"] = fit_texts(
        [card["goal"], card["actions"], card["thoughts"]], DOING_LINES
    )
    touchpoints = " · ".join(card["touchpoints"])
    cut = texts != {k: card[k] or "" for k in texts}
    if cut or len(touchpoints) > CAPTION_CHARS:
        touchpoints = clamp(touchpoints, CAPTION_CHARS - len(CLIPPED_NOTE) - 3)
        cut = True
    return [
        {
            **card,
            **texts,
            "touchpoints": touchpoints,
            **page,
            "clipped": (cut and page["page"] == 1) or page["clipped"],
        }
        for page in _side_by_side(friction, key)
    ]


def _side_by_side(friction: list[list[dict]], key: list[list[dict]]) -> list[dict]:
    """Friction and key points already split into slides (:func:`paginate`), paired slide
    by slide for as many slides as the longer needs (the shorter's missing ones empty):
    each ``{"friction", "key", "page" (1..), "pages", "clipped"}``, ``clipped`` whether a
    point on that slide was cut."""
    pages = max(len(friction), len(key))
    slides = []
    for i in range(pages):
        shown_friction = friction[i] if i < len(friction) else []
        shown_key = key[i] if i < len(key) else []
        slides.append(
            {
                "friction": shown_friction,
                "key": shown_key,
                "page": i + 1,
                "pages": pages,
                "clipped": any(p["clipped"] for p in shown_friction + shown_key),
            }
        )
    return slides


def summary_slides(friction: list[dict], key: list[dict]) -> list[dict]:
    """The summary's slides: the ranked friction and key points
    (:func:`journey.journey_map.ranked_points`) side by side, as many slides as they need;
    each ``{"friction", "key", "page", "pages", "clipped"}``."""
    return _side_by_side(
        paginate(friction, SUMMARY_LINE_CHARS, SUMMARY_LINES),
        paginate(key, SUMMARY_LINE_CHARS, SUMMARY_LINES),
    )


def paged_title(title: str, page: int, pages: int) -> str:
    """A slide's title with its place among its parts: "Awareness (1/2)"; alone, as it is."""
    return f"{title} ({page}/{pages})" if pages > 1 else title


def paged_deck(slides: list[dict], cards: dict, friction: list[dict], key: list[dict]):
    """The deck's slides (:func:`journey.journey_map.deck`) with every stage and the summary
    split into as many slides as their points need: each slide also has ``page``, ``pages``
    and, for a stage or the summary, ``content`` (from :func:`stage_slides` or
    :func:`summary_slides`); ``cards`` maps a stage's key to its card."""
    paged = []
    for slide in slides:
        if slide["kind"] == "stage":
            parts = stage_slides(cards[slide["stage"]])
        elif slide["kind"] == "summary":
            parts = summary_slides(friction, key)
        else:
            parts = [None]
        for i, content in enumerate(parts):
            title = paged_title(clamp(slide["title"], STAGE_TITLE_CHARS), i + 1, len(parts))
            paged.append(
                {**slide, "title": title, "page": i + 1, "pages": len(parts), "content": content}
            )
    return paged
