"""The mypy ratchet: no new type errors, and the recorded baseline of old ones may only shrink.

mypy found about 240 errors in apps/ and config/ when it came in. They are recorded, without their line
numbers (so that editing a file does not disturb them), in ``mypy-baseline.txt``. This script runs mypy
and fails if any error is not in that file; when some recorded errors have gone it says so, and
``make mypy-baseline`` writes the smaller file.

    python scripts/mypy_ratchet.py             # check (make mypy, make check, .ci/run)
    python scripts/mypy_ratchet.py --update    # rewrite the baseline from mypy's current output

``--mypy-output FILE`` reads mypy's output from a file instead of running it (the tests of this script).
"""

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "mypy-baseline.txt"
# "apps/x.py:12: error: ..." or, with column numbers on, "apps/x.py:12:5: error: ...".
ERROR = re.compile(r"^(?P<path>[^:\s][^:]*):\d+(?::\d+)?: error: (?P<message>.*)$")
# mypy's last line: "Found 3 errors in 2 files (checked 9 source files)" or "Success: no issues found ...".
SUMMARY = re.compile(r"^(Found \d+ errors? in \d+ files?|Success: no issues found)")
HEADER = (
    "# mypy errors that predate the type checker, without line numbers. This file may only shrink:\n"
    "# fix new errors, never add them here. `make mypy-baseline` rewrites it (scripts/mypy_ratchet.py).\n"
)


def normalise(line: str) -> str | None:
    """An error line without its line number (and any "on line N" inside the message); None if not one."""
    match = ERROR.match(line.rstrip("\n"))
    if match is None:
        return None
    message = re.sub(r"\bline \d+\b", "line N", match["message"])
    return f"{match['path']}: {message}"


def errors_in(output: str) -> Counter[str]:
    return Counter(key for line in output.splitlines() if (key := normalise(line)) is not None)


def read_baseline(path: Path) -> Counter[str]:
    if not path.exists():
        return Counter()
    lines = path.read_text().splitlines()
    return Counter(line for line in lines if line.strip() and not line.startswith("#"))


def run_mypy() -> str:
    # This interpreter's own mypy, on the project's configuration (pyproject.toml).
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return result.stdout + result.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="rewrite the baseline from mypy's output")
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    parser.add_argument("--mypy-output", type=Path, help="read mypy's output from this file")
    args = parser.parse_args(argv)

    output = args.mypy_output.read_text() if args.mypy_output else run_mypy()
    if not any(SUMMARY.match(line) for line in output.splitlines()):
        # A crash or a configuration error prints no summary: never mistake it for "no errors".
        print(output, file=sys.stderr)
        print("mypy did not finish (no summary line above); the ratchet cannot check.", file=sys.stderr)
        return 2
    found = errors_in(output)

    if args.update:
        args.baseline.write_text(HEADER + "".join(f"{key}\n" for key in sorted(found.elements())))
        print(f"Wrote {sum(found.values())} errors to {args.baseline.name}.")
        return 0

    baseline = read_baseline(args.baseline)
    new = found - baseline
    gone = baseline - found
    if new:
        new_keys = set(new)
        print(f"mypy found {sum(new.values())} type errors that are not in {args.baseline.name}:\n")
        for line in output.splitlines():
            if normalise(line) in new_keys:
                print(f"  {line}")
        print(
            f"\nFix them (the baseline may only shrink; do not add new errors to it). "
            f"Recorded errors: {sum(baseline.values())}; found now: {sum(found.values())}."
        )
        return 1
    if gone:
        print(
            f"{sum(gone.values())} recorded mypy errors are fixed: run `make mypy-baseline` and commit "
            f"the smaller {args.baseline.name}."
        )
    print(f"mypy: no new type errors ({sum(found.values())} recorded in {args.baseline.name}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
