"""The page benchmark measures every view a person opens (``python -m bench.pages``)."""

from bench import pages


def test_the_journey_map_is_measured_in_both_views_the_picture_drawn_only_in_its_own():
    views = {label: query for label, path, query in pages.pages() if "Journey_map" in path.name}
    assert views == {
        "4_Journey_map.py [Lanes]": {"journey": "1", "map_view": "Lanes"},
        "4_Journey_map.py [Picture]": {"journey": "1", "map_view": "Picture"},
    }
