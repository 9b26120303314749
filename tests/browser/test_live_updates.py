"""Two people on the same journey in two browsers: a point one adds appears for the other
within 3 s, with a notice, and what the other was typing stays."""

import time

from journey.storage import Store

from .conftest import RunTracker, open_page, settle
from .test_workshop import click, eventually, fill

JOURNEY = 1  # the car sample, seeded on first open
TITLE = "Live: the dealer never called back"
TYPED = "half-typed by the second person"


def new_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.runs = RunTracker(page)
    return context, page


def test_a_point_added_in_one_browser_appears_in_the_other_within_3_s(browser, server):
    (ctx_a, a), (ctx_b, b) = new_page(browser), new_page(browser)
    try:
        open_page(a, server, "Friction_and_key_points", journey=JOURNEY)
        open_page(b, server, "Friction_and_key_points", journey=JOURNEY)
        b.get_by_text("Add a friction point or key point").click()
        fill(b, "new_moment_title", TYPED)  # in a form: not sent until Add

        a.get_by_text("Add a friction point or key point").click()
        fill(a, "new_moment_title", TITLE)
        click(a, "new_moment_save")
        store = Store(server.db)
        eventually(lambda: any(m.title == TITLE for m in store.load_journey(JOURNEY).moments))
        saved = time.monotonic()

        b.get_by_role("heading", name=TITLE).first.wait_for(timeout=10_000)
        shown_after = time.monotonic() - saved
        print(f"shown in the other browser {shown_after:.2f} s after the save")
        assert shown_after < 3, f"shown after {shown_after:.1f} s"
        b.get_by_text("Updated by someone else just now").first.wait_for(timeout=5_000)
        settle(b)
        assert b.locator(".st-key-new_moment_title input").input_value() == TYPED
        assert a.get_by_text("Updated by someone else just now").count() == 0
    finally:
        ctx_a.close()
        ctx_b.close()
