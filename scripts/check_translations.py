"""Fail when a .po file has untranslated or fuzzy entries, or its committed .mo is stale.

Run `scripts/translations.sh` to extract new strings and compile after translating.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    problems = []
    for po in sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "out.mo"
            result = subprocess.run(
                ["msgfmt", "--check", "--statistics", "-o", str(fresh), str(po)],
                capture_output=True,
                text=True,
                check=False,
            )
            stats = result.stderr.strip()
            if result.returncode != 0:
                problems.append(f"{po}: {stats}")
                continue
            if "fuzzy" in stats or "untranslated" in stats:
                problems.append(f"{po}: {stats}")
            if not mo.exists() or mo.read_bytes() != fresh.read_bytes():
                problems.append(f"{mo}: out of date; run scripts/translations.sh")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
