"""Comments on the Friction and key points and Stages pages, through AppTest."""

from journey.storage import Store
from tests.conftest import open_page

MOMENTS = "3_Friction_and_key_points.py"
STAGES = "2_Stages.py"


def panels_open(*panels: str) -> dict[str, bool]:
    """Session state that opens these comment panels (drawn only when open)."""
    return {f"{panel}_comments_open": True for panel in panels}


HOSTILE = '<img src=x onerror="alert(1)"> **bold?** [link](http://evil.example)'


def test_a_comment_typed_on_a_moment_is_stored_signed_and_shown_as_typed(app_env):
    at = open_page(MOMENTS, **panels_open("moment_4"))
    at.text_area(key="moment_4_comments_new_text").input(HOSTILE)
    at.button(key="moment_4_comments_add").click().run()
    assert not at.exception
    [comment] = Store(app_env).comments("moment", 4)
    assert comment.text == HOSTILE
    assert comment.author == at.session_state["_author"]
    assert HOSTILE in [t.value for t in at.text]  # st.text: never markdown or HTML


def test_the_author_edits_and_deletes_a_comment_on_a_stage(app_env):
    at = open_page(STAGES, **panels_open("stage_1"))
    at.text_area(key="stage_1_comments_new_text").input("Ads everywhere")
    at.button(key="stage_1_comments_add").click().run()
    [c] = Store(app_env).comments("stage", 1)
    at.text_area(key=f"stage_1_comments_text_{c.id}").input("Ads on every site")
    at.button(key=f"stage_1_comments_save_{c.id}").click().run()
    assert not at.exception
    assert [x.text for x in Store(app_env).comments("stage", 1)] == ["Ads on every site"]
    at.button(key=f"stage_1_comments_delete_{c.id}").click().run()
    assert Store(app_env).comments("stage", 1) == []


def test_someone_elses_comment_has_no_edit_or_delete(app_env):
    at = open_page(MOMENTS, **panels_open("moment_4"))
    c = Store(app_env).add_comment("moment", 4, "Somebody else", "Their note")
    at.run()
    assert "Their note" in [t.value for t in at.text]
    assert f"moment_4_comments_save_{c.id}" not in [b.key for b in at.button]
    assert f"moment_4_comments_delete_{c.id}" not in [b.key for b in at.button]


def test_a_closed_comment_panel_draws_no_form(app_env):
    at = open_page(MOMENTS)
    forms = [f.proto.form.form_id for f in at.get("form")]
    assert not [f for f in forms if "_comments_" in f]
    assert "💬 Comments (0)" in [e.label for e in at.expander]
