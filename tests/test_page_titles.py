"""Page names, icons and headings come from one table, ``presentation.PAGES``."""

import ast
import pathlib

import pytest
from streamlit.testing.v1 import AppTest

from journey import presentation

ROOT = pathlib.Path(__file__).resolve().parent.parent
FILES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]


def calls(path: pathlib.Path) -> list[str]:
    """Every call in a file as dotted source text (``st.title``, ``ui.page_setup``...)."""
    return [
        ast.unparse(n.func)
        for n in ast.walk(ast.parse(path.read_text()))
        if isinstance(n, ast.Call)
    ]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_page_sets_itself_up_from_the_table_and_titles_itself_through_it(path):
    tree = ast.parse(path.read_text())
    setups = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and ast.unparse(n.func) == "ui.page_setup"
    ]
    assert [ast.unparse(a) for s in setups for a in s.args] == ["__file__"]
    found = calls(path)
    assert "st.set_page_config" not in found and "st.title" not in found
    presentation.page_for(str(path))  # in the table


def test_the_table_finds_a_page_by_its_file_name_in_any_folder():
    page = presentation.page_for("/tmp/copy/pages/4_Journey_map.py")
    assert (page.label, page.icon, page.title) == (
        "Journey map",
        ":material/map:",
        ":material/map: Journey map",
    )
    assert presentation.page_for("app.py").title == ":material/home: Journey Lab"
    with pytest.raises(KeyError):
        presentation.page_for("pages/99_Missing.py")


def test_a_page_shows_the_tables_heading_and_tab_title(app_env):
    at = AppTest.from_file(str(ROOT / "pages" / "6_What_if.py"), default_timeout=60)
    at.query_params["journey"] = "1"
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == [":material/tune: What if"]


def test_page_setup_names_the_browser_tab_from_the_table(monkeypatch):
    from journey.ui import setup

    seen = []
    monkeypatch.setattr(setup.st, "set_page_config", lambda **kw: seen.append(kw))
    monkeypatch.setattr(setup, "sign_in", lambda: None)
    assert setup.page_setup("/srv/app/pages/10_Dot_voting.py").label == "Dot voting"
    assert seen == [
        {
            "page_title": "Dot voting · Journey Lab",
            "page_icon": ":material/how_to_vote:",
            "layout": "wide",
        }
    ]


def _tofu(text: str) -> list[str]:
    """Characters that the fonts here draw as empty boxes: fullwidth forms (＋), enclosed
    letters (ⓘ), mathematical symbols (⧉) and dingbats (✚) that are not emoji."""
    found = []
    for k, ch in enumerate(text):
        code = ord(ch)
        emoji = text[k + 1 : k + 2] == "\ufe0f" or ch in "➕➖✅❌"
        if (
            0xFF00 <= code <= 0xFFEF
            or 0x2460 <= code <= 0x24FF
            or 0x27C0 <= code <= 0x27EF
            or 0x2980 <= code <= 0x2AFF
            or (0x2700 <= code <= 0x27BF and not emoji)
        ):
            found.append(ch)
    return found


def test_no_page_shows_a_symbol_without_a_font():
    """The dot-voting buttons read "＋ dot" with a box for the plus: a page's symbols are
    Material icons (icon=":material/add:") or plain text."""
    root = pathlib.Path(__file__).resolve().parent.parent
    files = [root / "app.py", *root.glob("pages/*.py"), *root.glob("journey/ui/*.py")]
    found = {f.name: _tofu(f.read_text()) for f in files}
    assert {name: chars for name, chars in found.items() if chars} == {}
