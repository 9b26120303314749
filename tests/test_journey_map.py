"""The journey map: the table, the charts and the channel matrix, on a journey built by hand.

The hand-built journey (see :func:`car_journey`):

    stage          emotion  touchpoints                    moments (kind, title, severity, channel)
    awareness        +1     Web: Comparison guide; Social  friction "Ads miss families" 2 social
                                                           key "Neutral guide" 4 " web "
    consideration     0     —                              —
    decision         -2     WEB : E-signature;             friction "Paperwork" 5 (no channel)
                            Dealership: Signing
    retention        +1     —                              —
    advocacy         +2     —                              key "Referral" 3 Community

    channels (trimmed, case ignored): Web 2/0/1/0/0, Social 2/0/0/0/0, Dealership 0/0/1/0/0,
    Community 0/0/0/0/1 -> only Web has a gap: it misses consideration, between two uses.
"""

import re

import altair as alt
import pytest

from journey import images
from journey import journey_map as jm
from journey.model import Journey, Moment, Touchpoint, blank_stages

BUYER, AFTER = jm.BUYER_PART, jm.AFTER_PART


def car_journey() -> Journey:
    awareness, consideration, decision, retention, advocacy = stages = blank_stages()
    awareness.label = "Recognising the need"
    awareness.customer_goal = "Find a car for a family of four"
    awareness.customer_actions = "Searches the web; asks friends"
    awareness.thoughts = "Where do I even start?"
    awareness.business_actions = "Search ads and a comparison guide"
    awareness.emotion, awareness.duration_days, awareness.conversion = 1, 14.0, 0.35
    awareness.touchpoints = [Touchpoint("Web", "Comparison guide"), Touchpoint("Social")]
    awareness.moments = [
        Moment(
            kind="friction",
            title="Ads miss families",
            severity=2,
            channel="social",
            action="New creative",
        ),
        Moment(kind="key", title="Neutral guide", severity=4, channel=" web "),
    ]
    decision.emotion, decision.duration_days = -2, 7.0
    decision.touchpoints = [Touchpoint("WEB ", "E-signature"), Touchpoint("Dealership", "Signing")]
    decision.moments = [Moment(kind="friction", title="Paperwork", severity=5)]
    retention.emotion, retention.duration_days = 1, 1460.0
    advocacy.emotion = 2
    advocacy.moments = [
        Moment(
            kind="key",
            title="Referral",
            severity=3,
            channel="Community",
            action="A free service for both",
        )
    ]
    consideration.label = "Consideration"  # the same as the standard label: not repeated
    return Journey(name="Family car", stages=stages, id=7)


def empty_journey() -> Journey:
    return Journey(name="Empty", stages=blank_stages())


def datasets(chart: alt.TopLevelMixin) -> list[list[dict]]:
    """Every data set in the chart's Vega-Lite spec, as lists of rows."""
    return list(chart.to_dict()["datasets"].values())


def rows_with(chart: alt.TopLevelMixin, field: str) -> list[dict]:
    """The one data set whose rows have ``field``."""
    [rows] = [d for d in datasets(chart) if d and field in d[0]]
    return rows


# ---------------------------------------------------------------------------- the table


def test_the_map_table_has_a_row_per_lane_and_a_column_per_stage_marked_by_part():
    table = jm.map_table(car_journey())
    assert list(table.index) == list(jm.LANES.values())
    assert list(table.columns) == [
        (BUYER, "Awareness: Recognising the need"),
        (BUYER, "Consideration"),
        (BUYER, "Decision"),
        (AFTER, "Retention"),
        (AFTER, "Advocacy"),
    ]


def test_the_map_table_cells_hold_the_text_of_each_lane():
    table = jm.map_table(car_journey())
    assert table.loc["Customer goal"].tolist() == [
        "Find a car for a family of four",
        "",
        "",
        "",
        "",
    ]
    assert table.loc["Touchpoints"].tolist() == [
        "• Web: Comparison guide\n• Social",
        "",
        "• WEB: E-signature\n• Dealership: Signing",
        "",
        "",
    ]
    assert table.loc["Friction points (severity 1–5)"].tolist() == [
        "• Ads miss families (2) → New creative",
        "",
        "• Paperwork (5)",
        "",
        "",
    ]
    assert table.loc["Key points (impact 1–5)"].tolist() == [
        "• Neutral guide (4)",
        "",
        "",
        "",
        "• Referral (3) → A free service for both",
    ]
    assert table.loc["Business actions"].tolist() == [
        "Search ads and a comparison guide",
        "",
        "",
        "",
        "",
    ]


def test_an_empty_journey_gives_an_empty_table_with_all_lanes_and_stages():
    table = jm.map_table(empty_journey())
    assert table.shape == (7, 5)
    assert set(table.to_numpy().ravel()) == {""}


def test_a_journey_missing_stages_still_shows_all_five_in_order():
    journey = Journey(name="Half", stages=[blank_stages()[3], blank_stages()[0]])
    assert [title for _, title in jm.map_table(journey).columns] == [
        "Awareness",
        "Consideration",
        "Decision",
        "Retention",
        "Advocacy",
    ]


# ---------------------------------------------------------------------------- emotion curve


def test_the_emotion_curve_has_the_five_stages_in_order_with_their_emotion_and_part():
    points = rows_with(jm.emotion_curve(car_journey()), "feeling")
    assert [(p["stage"], p["emotion"], p["part"], p["x"]) for p in points] == [
        ("awareness", 1, BUYER, 0.5),
        ("consideration", 0, BUYER, 1.5),
        ("decision", -2, BUYER, 2.5),
        ("retention", 1, AFTER, 3.5),
        ("advocacy", 2, AFTER, 4.5),
    ]
    assert [p["feeling"] for p in points] == [
        "+1 positive",
        "0 neutral",
        "-2 very negative",
        "+1 positive",
        "+2 very positive",
    ]


def test_the_emotion_curve_marks_friction_below_and_key_points_above_at_their_stage():
    markers = rows_with(jm.emotion_curve(car_journey()), "severity")
    assert [(m["stage"], m["kind"], m["title"], m["severity"], m["y"]) for m in markers] == [
        ("awareness", "friction", "Ads miss families", 2, 0.4),
        ("awareness", "key", "Neutral guide", 4, 1.6),
        ("decision", "friction", "Paperwork", 5, -2.6),
        ("advocacy", "key", "Referral", 3, 2.6),
    ]
    assert [m["action"] for m in markers] == ["New creative", "—", "—", "A free service for both"]
    assert [int(m["x"]) for m in markers] == [0, 0, 2, 4]  # inside their stage's column


def test_the_emotion_curve_splits_the_buyer_journey_from_after_purchase_at_the_purchase():
    bands = rows_with(jm.emotion_curve(car_journey()), "mid")
    assert [(b["part"], b["x"], b["x2"]) for b in bands] == [(BUYER, 0, 3), (AFTER, 3, 5)]


def test_the_emotion_curve_draws_the_highlighted_stage_larger():
    points = rows_with(jm.emotion_curve(car_journey(), highlight="decision"), "feeling")
    assert [p["size"] for p in points] == [120, 120, 420, 120, 120]


def test_the_emotion_curve_of_an_empty_journey_has_a_flat_line_and_no_markers():
    chart = jm.emotion_curve(empty_journey())
    assert [p["emotion"] for p in rows_with(chart, "feeling")] == [0, 0, 0, 0, 0]
    assert not [d for d in datasets(chart) if d and "severity" in d[0]]


# ---------------------------------------------------------------------------- the whole map


def test_the_map_chart_heads_the_columns_with_the_stages_in_order():
    heads = rows_with(jm.map_chart(car_journey()), "name")
    assert [(h["name"], h["part"]) for h in heads] == [
        ("1. Awareness", BUYER),
        ("2. Consideration", BUYER),
        ("3. Decision", BUYER),
        ("4. Retention", AFTER),
        ("5. Advocacy", AFTER),
    ]
    assert heads[0]["sub"] == "Recognising the need\n2 weeks · 35% go on"
    assert heads[3]["sub"] == "4 years"


def test_the_map_chart_lanes_are_cells_coloured_by_part_and_aligned_with_the_curve():
    chart = jm.map_chart(car_journey())
    cells = rows_with(chart, "lane")
    assert len(cells) == 7 * 5
    touch = [c for c in cells if c["lane"] == "Touchpoints"]
    assert [c["text"] for c in touch] == [
        "• Web: Comparison guide\n• Social",
        "—",
        "• WEB: E-signature\n• Dealership: Signing",
        "—",
        "—",
    ]
    assert [c["fill"] for c in touch] == [jm.PART_COLOURS[BUYER]] * 3 + [jm.PART_COLOURS[AFTER]] * 2
    points = rows_with(chart, "feeling")
    assert [p["x"] for p in points] == [(c["x"] + c["x2"]) / 2 for c in touch]


def test_the_map_handout_keeps_all_of_a_long_cell_wrapped_never_cut():
    journey = car_journey()
    journey.stages[0].customer_actions = "Reads reviews and compares prices. " * 20
    journey.stages[1].touchpoints = [Touchpoint(f"Channel {i}") for i in range(9)]
    cells = rows_with(jm.map_chart(journey), "lane")
    [actions] = [
        c["text"].split("\n")
        for c in cells
        if c["lane"] == "Customer actions" and c["stage"] == "Awareness"
    ]
    assert " ".join(actions) == journey.stages[0].customer_actions.strip()
    assert max(map(len, actions)) <= jm.CHARS_PER_LINE and "…" not in "".join(actions)
    [touch] = [
        c["text"].split("\n")
        for c in cells
        if c["lane"] == "Touchpoints" and c["stage"] == "Consideration"
    ]
    assert touch == [f"• Channel {i}" for i in range(9)]


def test_the_map_handout_shows_the_actions_the_persona_and_both_timeframes():
    chart = jm.map_chart(car_journey(), "Pat")
    cells = rows_with(chart, "lane")
    [friction] = [
        c["text"] for c in cells if c["lane"].startswith("Friction") and c["stage"] == "Awareness"
    ]
    assert " ".join(friction.split()) == "• Ads miss families (2) → New creative"
    subtitle = chart.to_dict()["title"]["subtitle"]
    assert subtitle == (
        "Customer journey map · persona: Pat · buyer journey 3 weeks · customer journey 4.1 years"
    )


def test_wrap_cell_gives_each_listed_item_an_equal_share_of_the_lines():
    lines = jm.wrap_cell(["A " * 40, "B"], width=20, max_lines=4, bullet=True)
    assert lines == ["• A A A A A A A A A", "   A A A A A A A A…", "• B"]


def test_the_map_chart_of_an_empty_journey_still_has_every_cell():
    chart = jm.map_chart(empty_journey())
    cells = rows_with(chart, "lane")
    assert len(cells) == 35 and {c["text"] for c in cells} == {"—"}


def test_the_map_chart_exports_as_png_and_svg():
    chart = jm.map_chart(car_journey())
    assert images.to_png(chart, scale=1).startswith(b"\x89PNG")
    assert images.to_svg(chart).startswith("<svg")


def test_an_empty_map_exports_too():
    assert images.to_png(jm.map_chart(empty_journey()), scale=1).startswith(b"\x89PNG")


# ---------------------------------------------------------------------------- channels


def test_the_channel_matrix_counts_touchpoints_and_moments_ignoring_case_and_spaces():
    matrix = jm.channel_matrix(car_journey())
    assert list(matrix.columns) == [
        "Awareness",
        "Consideration",
        "Decision",
        "Retention",
        "Advocacy",
    ]
    assert matrix.to_dict("index") == {
        "Web": {"Awareness": 2, "Consideration": 0, "Decision": 1, "Retention": 0, "Advocacy": 0},
        "Social": {
            "Awareness": 2,
            "Consideration": 0,
            "Decision": 0,
            "Retention": 0,
            "Advocacy": 0,
        },
        "Dealership": {
            "Awareness": 0,
            "Consideration": 0,
            "Decision": 1,
            "Retention": 0,
            "Advocacy": 0,
        },
        "Community": {
            "Awareness": 0,
            "Consideration": 0,
            "Decision": 0,
            "Retention": 0,
            "Advocacy": 1,
        },
    }


def test_a_channel_used_before_and_after_a_stage_but_not_at_it_is_a_gap():
    assert jm.channel_gaps(car_journey()) == [("Web", ["consideration"])]
    assert jm.gap_rows(car_journey()) == [
        {"Channel": "Web", "Used at": "Awareness, Decision", "Missing at": "Consideration"}
    ]


def test_a_channel_used_only_early_or_only_late_has_no_gap():
    journey = empty_journey()
    journey.stages[0].touchpoints = [Touchpoint("Social")]  # awareness only
    journey.stages[4].touchpoints = [Touchpoint("Community")]  # advocacy only
    journey.stages[1].touchpoints = journey.stages[3].touchpoints = [Touchpoint("Phone")]
    assert jm.channel_gaps(journey) == [("Phone", ["decision"])]


def test_a_channel_used_at_every_stage_has_no_gap():
    journey = empty_journey()
    for stage in journey.stages:
        stage.touchpoints = [Touchpoint(" email ")]
    assert jm.channel_gaps(journey) == []
    assert jm.channel_matrix(journey).loc["email"].tolist() == [1, 1, 1, 1, 1]


def test_an_empty_journey_has_no_channels_and_its_heatmap_still_draws():
    journey = empty_journey()
    assert jm.channel_matrix(journey).empty
    assert jm.channel_gaps(journey) == []
    jm.channel_matrix_chart(journey).to_dict()


def test_the_channel_heatmap_has_a_cell_per_channel_and_stage():
    cells = rows_with(jm.channel_matrix_chart(car_journey()), "count")
    assert len(cells) == 4 * 5
    assert {"channel": "Web", "stage": "Decision", "count": 1, "label": "1"} in cells
    assert {"channel": "Web", "stage": "Consideration", "count": 0, "label": "gap"} in cells
    assert {"channel": "Web", "stage": "Retention", "count": 0, "label": ""} in cells


# ---------------------------------------------------------------------------- presentation


def test_stage_cards_hold_what_the_presenter_shows_for_each_stage():
    cards = jm.stage_cards(car_journey())
    assert [c["label"] for c in cards] == [
        "Awareness",
        "Consideration",
        "Decision",
        "Retention",
        "Advocacy",
    ]
    assert cards[0] == {
        "stage": "awareness",
        "number": 1,
        "label": "Awareness",
        "title": "Awareness: Recognising the need",
        "part": BUYER,
        "buyer": True,
        "goal": "Find a car for a family of four",
        "actions": "Searches the web; asks friends",
        "business_actions": "Search ads and a comparison guide",
        "touchpoints": ["Web: Comparison guide", "Social"],
        "thoughts": "Where do I even start?",
        "emotion": 1,
        "feeling": "+1 positive",
        "feeling_word": "positive",
        "duration": "2 weeks",
        "duration_short": "2 weeks",
        "conversion": "35%",
        "friction": [
            {
                "id": None,  # not stored
                "title": "Ads miss families",
                "severity": 2,
                "description": "",
                "action": "New creative",
                "owner": "",
                "status": "open",
            }
        ],
        "key": [
            {
                "id": None,  # not stored
                "title": "Neutral guide",
                "severity": 4,
                "description": "",
                "action": "",
                "owner": "",
                "status": "open",
            }
        ],
    }
    assert (cards[3]["part"], cards[3]["buyer"]) == (AFTER, False)
    assert (cards[3]["duration"], cards[3]["duration_short"]) == ("4 years", "4 years")
    assert (cards[4]["duration"], cards[4]["conversion"]) == ("not set", "")


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (0, "not set"),
        (1, "1 day"),
        (14, "2 weeks"),
        (0.5, "12 hours"),
        (365.25 / 12, "1 month"),
        (90, "3 months"),
        (365, "1 year"),
        (730.5, "2 years"),
    ],
)
def test_durations_read_as_people_say_them(days, text):
    assert jm.duration_text(days) == text


def test_file_names_come_from_the_journey_name():
    assert jm.file_stem(car_journey()) == "journey-map-family-car"
    assert jm.file_stem(Journey(name="¡¿", id=3)) == "journey-map-3"


# ---------------------------------------------------------------------------- votes, the picture


def voted_journey() -> tuple[Journey, dict[int, int]]:
    journey = car_journey()
    for i, m in enumerate(m for s in journey.stages for m in s.moments):
        m.id = 100 + i
    ads, guide = journey.stages[0].moments
    return journey, {ads.id: 3, guide.id: 1}


def test_voted_points_show_their_dots_in_the_table_the_handout_and_the_curve():
    journey, votes = voted_journey()
    table = jm.map_table(journey, votes)
    friction = table.loc["Friction points (severity 1–5)"].tolist()
    assert friction[0] == "• Ads miss families (2) · 3 dots → New creative"
    assert friction[2] == "• Paperwork (5)"  # no dot: nothing said
    assert table.loc["Key points (impact 1–5)"].tolist()[0] == "• Neutral guide (4) · 1 dot"
    handout = " ".join(c["text"] for c in rows_with(jm.map_chart(journey, "", votes), "lane"))
    assert "· 3 dots" in " ".join(handout.split())
    markers = rows_with(jm.emotion_curve(journey, votes=votes), "severity")
    assert {m["title"]: m["dots"] for m in markers}["Ads miss families"] == "3 dots"
    assert "dots" not in rows_with(jm.emotion_curve(journey), "severity")[0]  # no vote


def picture_texts(chart) -> list[tuple[float, str]]:
    """(font size, text) of every text in the picture: marks' data and the titles."""
    spec = chart.to_dict()
    data = spec["datasets"]
    found = []
    for block in spec["vconcat"][1:]:
        for layer in block["layer"]:
            if layer["mark"]["type"] == "text":
                for row in data[layer["data"]["name"]]:
                    found.append((layer["mark"]["fontSize"], row["text"]))
    return found


def test_the_picture_on_the_page_is_at_most_800_px_wide_with_16_px_text_wrapped_never_cut():
    journey, votes = voted_journey()
    journey.stages[0].customer_actions = "Reads reviews and compares prices. " * 20
    chart = jm.map_picture(journey, "Pat", votes)
    spec = chart.to_dict()
    assert all(block["width"] <= jm.PICTURE_WIDTH for block in spec["vconcat"])
    texts = picture_texts(chart)
    assert min(size for size, _ in texts) >= 16
    assert spec["config"]["axis"]["labelFontSize"] >= 16
    curve_axis = spec["vconcat"][0]["layer"][0]["encoding"]["x"]["axis"]
    assert curve_axis["labelFontSize"] >= 16
    shown = " ".join(" ".join(text.split()) for _, text in texts)
    assert "…" not in shown
    assert " ".join(journey.stages[0].customer_actions.split()) in shown.replace("- ", "-")
    assert "Ads miss families (2) · 3 dots → New creative" in shown
    assert "A free service for both" in shown  # every action
    lines = [line for _, text in texts for line in text.split("\n")]
    assert max(map(len, lines)) <= jm.PICTURE_CHARS + 3
    assert "persona: Pat" in spec["title"]["subtitle"][0]
    assert "buyer journey 3 weeks · customer journey 4.1 years" in spec["title"]["subtitle"][1]


def test_the_picture_exports_as_svg_no_wider_than_the_page_column():
    journey, votes = voted_journey()
    svg = images.to_svg(jm.map_picture(journey, "Pat", votes))
    width = float(re.search(r'<svg[^>]* width="([\d.]+)"', svg).group(1))
    assert width <= 880  # 1280 wide with the sidebar; the handout is 1,452
