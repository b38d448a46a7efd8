"""Every checker suppression in `src/` names its error code and gives a reason."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
_IGNORE = re.compile(r"#\s*(type|pyright):\s*ignore(\[[\w, -]+\])?")


def test_suppressions_name_a_code_and_a_reason() -> None:
    found = 0
    for path in sorted(SRC.rglob("*.py")):
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines):
            for match in _IGNORE.finditer(line):
                found += 1
                where = f"{path.relative_to(SRC)}:{number + 1}"
                assert match.group(2), f"{where}: ignore without an error code"
                # The reason: a comment on the line above (or the lines above,
                # for a multi-line statement) that is not itself an ignore.
                above = [
                    previous.strip()
                    for previous in lines[max(0, number - 4) : number]
                    if previous.strip().startswith("#")
                ]
                assert any(not _IGNORE.search(c) for c in above), (
                    f"{where}: ignore without a reason in a comment above it"
                )
    assert found > 0
