"""Every Python code block in README.md and docs/ runs as written.

Blocks of one file run in order in one namespace, as a reader would paste
them; a failing assertion or exception fails the file's test.
"""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.DOTALL | re.MULTILINE)


def python_blocks(path: Path) -> list[str]:
    return _BLOCK.findall(path.read_text())


def test_documents_have_code() -> None:
    assert python_blocks(ROOT / "README.md"), "README.md has no quickstart block"
    assert sum(len(python_blocks(p)) for p in DOCUMENTS) >= 5


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.name for p in DOCUMENTS])
def test_code_blocks_run(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A real module, as a user's file would be: dataclasses (and so Equinox)
    # resolve annotations through `sys.modules[cls.__module__]`.
    module = types.ModuleType(f"docs_{path.stem.replace('-', '_')}")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    for index, block in enumerate(python_blocks(path)):
        code = compile(block, f"{path.name}[block {index}]", "exec")
        exec(code, module.__dict__)


def test_readme_setup_block_is_what_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    setup = re.search(
        r"<!-- setup-commands:start -->\n```bash\n(.*?)```\n"
        r"<!-- setup-commands:end -->",
        readme,
        re.DOTALL,
    )
    assert setup is not None
    assert setup.group(1).splitlines() == [
        'python -m pip install -e ".[dev]"',
        "python -m pytest",
    ]
    assert "setup-commands:start" in (ROOT / ".ci" / "run").read_text()
