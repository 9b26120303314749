"""``python -m bench``: run every benchmark in ``bench/`` in turn (``make bench``).

Each module with a ``main(argv)`` is a benchmark; the page benchmark runs first. Options are
passed to each (modules ignore the ones they do not know). One failing benchmark is reported
and the others still run; the exit status is 1 if any failed.
"""

import importlib
import pathlib
import sys
import traceback

FIRST = ("pages",)


def benchmarks() -> list[str]:
    here = pathlib.Path(__file__).resolve().parent
    found = sorted(p.stem for p in here.glob("*.py") if not p.stem.startswith("_"))
    return [name for name in FIRST if name in found] + [n for n in found if n not in FIRST]


def main(argv: list[str] | None = None) -> int:
    failed = []
    for name in benchmarks():
        module = importlib.import_module(f"bench.{name}")
        if not hasattr(module, "main"):
            continue
        print(f"\n=== bench.{name} ===\n", flush=True)
        try:
            module.main(list(argv or []))
        except Exception:  # report it and go on with the next benchmark
            traceback.print_exc()
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
