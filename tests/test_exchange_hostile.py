"""Exchange files that JSON allows but a document may not hold (issue 9, item 8).

Case ../shared/cases/adv-import-tracebacks: each of these ended in a traceback; now each is a
ValidationError naming the file and the field's path (exit 2 on the command line), and the
database is unchanged.
"""

import hashlib
import json

import pytest

from journey import exchange, samples
from journey.model import ValidationError
from tests.conftest import dump, run_cli


def sample_text() -> str:
    return exchange.dumps(samples.load_sample("car-buying"))


def deep() -> str:
    return (
        '{"format":"journey-lab","format_version":1,"workspace":{"name":"x"},'
        '"personas":[],"journeys":[],"exported_at":' + "[" * 100_000 + "]" * 100_000 + "}"
    )


def with_value(path: str, literal: str) -> str:
    """The car sample with the number at ``path`` (dots and [i]) replaced by ``literal``."""
    doc = samples.load_sample("car-buying")
    marker = "__MARKER__"
    parent, key = doc, None
    parts = path.replace("[", ".").replace("]", "").split(".")
    for part in parts[:-1]:
        parent = parent[int(part)] if part.isdigit() else parent[part]
    key = parts[-1]
    parent[int(key) if key.isdigit() else key] = marker
    return json.dumps(doc).replace(f'"{marker}"', literal)


CASES = {
    "100,000-deep nesting": (deep(), "nested more than 64 levels deep at line 1"),
    "an integer of 5,001 digits": (
        with_value("journeys[0].stages[1].emotion", "7" * 5001),
        "journeys[0].stages[1].emotion: the integer with 5,001 digits is too large",
    ),
    "10**30 as a metric value": (
        with_value("journeys[0].metrics[0].values[0].value", str(10**30)),
        "journeys[0].metrics[0].values[0].value: the integer with 31 digits is too large",
    ),
    "2**63 as a duration": (
        with_value("journeys[0].stages[0].duration_days", str(2**63)),
        "journeys[0].stages[0].duration_days: the integer 922337203685… is too large",
    ),
    "-(2**64) as entrants": (
        with_value("journeys[0].assumptions.entrants", str(-(2**64))),
        "journeys[0].assumptions.entrants: the integer -18446744073… is too large",
    ),
    "10**25 as a target": (
        with_value("journeys[0].metrics[0].target", str(10**25)),
        "journeys[0].metrics[0].target: the integer 100000000000… is too large",
    ),
    "a lone surrogate in a value": (
        with_value("journeys[0].stages[0].thoughts", '"Hmm \\ud800 ok"'),
        "journeys[0].stages[0].thoughts: text with a lone surrogate (\\ud800)",
    ),
    "a lone surrogate in a key": (
        sample_text().replace('"format_version": 2,', '"format_version": 2, "\\udfff": 1,', 1),
        "text with a lone surrogate (\\udfff)",
    ),
    "a duplicate key": (
        sample_text().replace('"emotion": ', '"emotion": 1, "emotion": ', 1),
        "journeys[0].stages[0]: the key 'emotion' appears twice",
    ),
    "NaN": (
        with_value("journeys[0].assumptions.margin", "NaN"),
        "journeys[0].assumptions.margin: NaN is not a number JSON allows",
    ),
    "Infinity": (
        with_value("journeys[0].assumptions.spend", "-Infinity"),
        "journeys[0].assumptions.spend: -Infinity is not a number JSON allows",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_hostile_upload_is_refused_naming_the_upload_and_the_field(store, case):
    text, message = CASES[case]
    before = dump(store)
    with pytest.raises(ValidationError) as refused:
        store.import_document(exchange.load_document(text.encode(), name="upload.json"))
    assert str(refused.value).startswith("upload.json: ")
    assert message in str(refused.value)
    assert dump(store) == before


@pytest.mark.parametrize(
    "case",
    [
        "100,000-deep nesting",
        "an integer of 5,001 digits",
        "a lone surrogate in a value",
        "a duplicate key",
    ],
)
def test_a_hostile_file_on_the_command_line_exits_2_with_one_line(seeded_db, tmp_path, case):
    text, message = CASES[case]
    db, path = seeded_db, tmp_path / "hostile.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    result = run_cli("import", str(path), db=db)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: {path}: " + result.stderr.split(": ", 2)[2].rstrip("\n")
    ]
    assert message in result.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_the_values_check_names_nothing_in_an_ordinary_document():
    exchange.check_values(samples.load_sample("car-buying"))
    assert exchange.parse_document(json.loads(sample_text()))
