"""The layering rules of DESIGN.md section 8, checked on the source."""

import ast
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "journey"
PAGES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
SQL = re.compile(
    r"\b(SELECT\s+.+\s+FROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
    r"CREATE\s+TABLE|PRAGMA)\b",
    re.IGNORECASE | re.DOTALL,
)
STORAGE = {"storage.py", "migrations.py"}
#: DuckDB is the analytics engine for event logs: its SQL lives in this one module.
DUCKDB = {"events.py"}
#: The Streamlit helpers the pages share: the one package that imports streamlit.
UI_PACKAGE = PACKAGE / "ui"


def imports(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def strings(path: pathlib.Path) -> list[str]:
    return [
        n.value
        for n in ast.walk(ast.parse(path.read_text()))
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def package_modules() -> list[pathlib.Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_only_the_ui_helpers_import_streamlit():
    offenders = [
        p.name
        for p in package_modules()
        if "streamlit" in imports(p) and UI_PACKAGE not in p.parents
    ]
    assert offenders == []


def test_each_ui_helper_module_stays_small():
    # the package's __init__ still holds most helpers; issue 13 plans splitting it by concern
    sizes = {p.name: len(p.read_text().splitlines()) for p in UI_PACKAGE.glob("*.py")}
    assert max(sizes.values()) < 700, sizes


def test_only_storage_talks_to_sqlite():
    offenders = [
        p.name
        for p in [*package_modules(), *PAGES]
        if {"sqlite3", "sqlite_utils"} & imports(p) and p.name not in STORAGE
    ]
    assert offenders == []


def test_sql_text_appears_only_in_storage_and_the_duckdb_engine():
    offenders = [
        (p.name, s[:40])
        for p in [*package_modules(), *PAGES]
        if p.name not in STORAGE | DUCKDB
        for s in strings(p)
        if SQL.search(s)
    ]
    assert offenders == []


def test_only_the_event_engine_imports_duckdb():
    offenders = [
        p.name
        for p in [*package_modules(), *PAGES]
        if "duckdb" in imports(p) and p.name not in DUCKDB
    ]
    assert offenders == []


def test_pages_import_no_database_or_engine_libraries_and_stay_short():
    for page in PAGES:
        assert not {"sqlite3", "sqlite_utils", "duckdb"} & imports(page), page.name
        # 300: ruff format lays calls out one argument a line (200 when wrapped by hand)
        assert len(page.read_text().splitlines()) <= 300, page.name


def test_the_layering_test_would_catch_sql_in_a_page(tmp_path):
    page = tmp_path / "bad_page.py"
    page.write_text('import sqlite3\nrows = "SELECT name FROM journeys"\n')
    assert "sqlite3" in imports(page)
    assert any(SQL.search(s) for s in strings(page))


def test_the_sidebar_navigation_lists_every_page_file():
    from journey.presentation import PAGES

    listed = sorted(page.path for page in PAGES)
    files = sorted(
        str(p.relative_to(ROOT)) for p in [ROOT / "app.py", *(ROOT / "pages").glob("*.py")]
    )
    assert listed == files
