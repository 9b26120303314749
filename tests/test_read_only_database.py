"""A database file nobody may write is served read-only (issue 9, item 11).

Every page runs on it as an unprivileged user (root ignores file permissions), in viewer
mode, with no write attempted: no exception, no editing control, the file byte-identical and
no write-ahead log made beside it.
"""

import hashlib
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

from tests.conftest import ROOT, as_nobody, run_cli

PAGES = ["app.py", *sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))]

RUN_PAGES = """
import json, sys
from streamlit.testing.v1 import AppTest
out = {}
for page in sys.argv[1:]:
    at = AppTest.from_file(page, default_timeout=60)
    at.query_params["journey"] = "1"
    at.run()
    out[page] = {"exceptions": [e.value for e in at.exception],
                 "buttons": [b.key for b in at.button],
                 "inputs": [e.key for kind in ("text_input", "text_area", "number_input",
                                               "file_uploader") for e in at.get(kind)]}
print(json.dumps(out))
"""


def test_every_page_serves_a_read_only_database_to_viewers_without_writing():
    folder = pathlib.Path(tempfile.mkdtemp(prefix="journey-ro-", dir="/tmp"))
    try:
        folder.chmod(0o755)
        home = folder / "home"
        home.mkdir()
        home.chmod(0o777)
        db = folder / "j.db"
        assert run_cli("init", "--seed", db=db).returncode == 0
        db.chmod(0o444)
        before = hashlib.sha256(db.read_bytes()).hexdigest()
        result = subprocess.run(
            [*as_nobody(), sys.executable, "-c", RUN_PAGES, *PAGES],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            env={
                "PATH": "/usr/bin:/bin",
                "PYTHONPATH": str(ROOT),
                "HOME": str(home),
                "JOURNEY_DB": str(db),
            },
        )
        assert result.returncode == 0, result.stderr[-2000:]
        pages = json.loads(result.stdout.splitlines()[-1])
        assert {page: shown["exceptions"] for page, shown in pages.items()} == {
            page: [] for page in PAGES
        }
        assert {page: shown["inputs"] for page, shown in pages.items()} == {
            page: [] for page in PAGES
        }
        buttons = {b for shown in pages.values() for b in shown["buttons"]}
        assert buttons <= {
            "present_prev",
            "present_next",
            "sign_out",
            "whatif_reset",
            "ws_report_build",
        }
        assert hashlib.sha256(db.read_bytes()).hexdigest() == before
        assert sorted(p.name for p in folder.iterdir()) == ["home", "j.db"]
    finally:
        shutil.rmtree(folder)
