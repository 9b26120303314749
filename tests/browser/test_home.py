"""The home page in a real browser."""

from .conftest import open_page

SAMPLE_JOURNEYS = [
    "Free trial to yearly subscription",
    "Buying a family car",
    "Buying sustainable clothing online",
]


def test_the_home_page_lists_the_three_sample_journeys(page, server):
    open_page(page, server)
    for name in SAMPLE_JOURNEYS:
        page.get_by_role("heading", name=name).wait_for()
    assert page.get_by_text("Persona: Maya Hoffmann").count() == 1
    assert page.dialogs == []
