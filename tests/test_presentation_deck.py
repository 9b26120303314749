"""The Present deck's text budget (journey.presentation): long texts are cut to a readable
length with "…", and a stage's or the summary's points that do not fit one 1280x720 slide go
on to the next ("Awareness (1/2)", "(2/2)"). Hand-made long text; no Streamlit."""

from __future__ import annotations

from journey import presentation as p

LONG = "word " * 400  # 2,000 characters


def point(title: str = "Short title", action: str = "Do a thing", severity: int = 3) -> dict:
    return {"title": title, "action": action, "severity": severity}


def card(friction: list[dict], key: list[dict], **texts) -> dict:
    return {
        "stage": "awareness",
        "number": 1,
        "title": "Awareness: Recognising the need",
        "goal": "Find a car",
        "actions": "Searches",
        "thoughts": "",
        "touchpoints": ["Web: Search"],
        "friction": friction,
        "key": key,
        **texts,
    }


def test_clamp_keeps_short_text_and_cuts_long_text_at_a_word_with_an_ellipsis():
    assert p.clamp("short", 10) == "short"
    cut = p.clamp(LONG, 100)
    assert len(cut) <= 100 and cut.endswith("…") and cut[:-1] == ("word " * 19).strip()
    assert p.clamp("x" * 2000, 50) == "x" * 49 + "…"
    assert p.clamp("", 5) == "" and p.clamp(None, 5) == ""


def test_a_2000_character_point_is_clamped_and_flagged():
    shown = p.clamp_point(point(title=LONG, action=LONG))
    assert len(shown["title"]) <= p.POINT_TITLE_CHARS
    assert len(shown["action"]) <= p.ACTION_CHARS
    assert shown["clipped"] and not p.clamp_point(point())["clipped"]


def test_points_are_paged_within_the_budget_in_order_and_none_lost():
    points = [point(title=f"{i} " + LONG, action=LONG) for i in range(7)]
    pages = p.paginate(points)
    assert len(pages) > 1
    assert [q["title"].split()[0] for page in pages for q in page] == [str(i) for i in range(7)]
    assert all(sum(p.point_lines(q) for q in page) <= p.COLUMN_LINES for page in pages)
    assert p.paginate([]) == [[]]
    assert len(p.paginate([point(), point()])) == 1  # short points share a slide


def test_a_stage_with_many_long_points_becomes_several_slides_each_within_budget():
    friction = [point(title=LONG, action=LONG, severity=i % 5 + 1) for i in range(10)]
    slides = p.stage_slides(card(friction, [point()], goal=LONG, actions=LONG, thoughts=LONG))
    assert len(slides) > 1 and [s["page"] for s in slides] == list(range(1, len(slides) + 1))
    assert {s["pages"] for s in slides} == {len(slides)}
    assert sum(len(s["friction"]) for s in slides) == 10
    assert sum(len(s["key"]) for s in slides) == 1
    for s in slides:
        assert s["clipped"]
        for column in ("friction", "key"):
            assert sum(p.point_lines(q) for q in s[column]) <= p.COLUMN_LINES
    first = slides[0]
    doing = [first["goal"], first["actions"], first["thoughts"]]
    assert all(t.endswith("…") and len(t) > 60 for t in doing)  # cut, still readable
    assert sum(p.text_lines(t, p.DOING_LINE_CHARS) for t in doing) <= p.DOING_LINES
    assert len(first["touchpoints"]) + len(p.CLIPPED_NOTE) + 3 <= p.CAPTION_CHARS


def test_the_first_columns_texts_share_their_lines_the_longest_cut_first():
    short, middle = "Find a family car.", "x " * 60
    assert p.fit_texts([short, middle, ""], p.DOING_LINES) == [short, middle, ""]
    goal, doing, thought = p.fit_texts([short, LONG, middle], p.DOING_LINES)
    assert goal == short and thought == middle and doing.endswith("…")
    assert sum(p.text_lines(t, p.DOING_LINE_CHARS) for t in (goal, doing, thought)) <= p.DOING_LINES


def test_a_short_stage_is_one_slide_with_nothing_cut():
    (slide,) = p.stage_slides(card([point()], [point()]))
    assert slide["pages"] == 1 and not slide["clipped"]
    assert slide["touchpoints"] == "Web: Search" and slide["goal"] == "Find a car"


def test_the_deck_titles_its_parts_and_pages_the_summary():
    long_stage = card([point(title=LONG, action=LONG) for _ in range(6)], [])
    slides = [
        {"kind": "persona", "title": "Persona"},
        {"kind": "stage", "stage": "awareness", "title": "Awareness: Recognising the need"},
        {"kind": "timeframes", "title": "Timeframes"},
        {"kind": "summary", "title": "Summary"},
    ]
    ranked = [point(title=LONG, action=LONG, severity=5) for _ in range(12)]
    deck = p.paged_deck(slides, {"awareness": long_stage}, ranked, ranked[:2])
    titles = [s["title"] for s in deck]
    stage_pages = [t for t in titles if t.startswith("Awareness")]
    summaries = [t for t in titles if t.startswith("Summary")]
    assert len(stage_pages) > 1 and stage_pages[0].endswith(f"(1/{len(stage_pages)})")
    assert len(summaries) > 1 and summaries[-1] == f"Summary ({len(summaries)}/{len(summaries)})"
    assert titles[0] == "Persona" and "Timeframes" in titles
    summary = [s["content"] for s in deck if s["kind"] == "summary"]
    assert sum(len(s["friction"]) for s in summary) == 12
    assert all(
        sum(p.point_lines(q, p.SUMMARY_LINE_CHARS) for q in s["friction"]) <= p.SUMMARY_LINES
        for s in summary
    )
    assert p.paged_title("Summary", 1, 1) == "Summary"


def test_presentation_mode_enlarges_table_text():
    """st.table's cells get a larger font; st.dataframe (a canvas) is zoomed, but never wider
    than its column."""
    css = " ".join(p.PRESENTATION_CSS.split())
    assert '[data-testid="stTable"] td' in css and "font-size: 1.15rem" in css
    assert '[data-testid="stDataFrame"] { zoom: 1.25; max-width: 100% !important; }' in css
    assert '[data-testid="stDataFrameResizable"] { max-width: 100% !important; }' in css


def test_stage_and_summary_slides_pair_their_columns_page_by_page():
    many = [point(title=f"Point {i}") for i in range(40)]  # short: several slides, none cut
    stage = p.stage_slides(card(many, [point()], goal=LONG))
    summary = p.summary_slides(many, [point()])
    for slides in (stage, summary):
        assert len(slides) > 1 and [s["pages"] for s in slides] == [len(slides)] * len(slides)
        assert [len(s["key"]) for s in slides] == [1] + [0] * (len(slides) - 1)
        assert [q["title"] for s in slides for q in s["friction"]] == [q["title"] for q in many]
    assert [s["clipped"] for s in stage] == [True] + [False] * (len(stage) - 1)  # the cut goal
    assert not any(s["clipped"] for s in summary)
    assert set(summary[0]) == {"friction", "key", "page", "pages", "clipped"}
