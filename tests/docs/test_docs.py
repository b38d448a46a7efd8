"""Every code block in README.md, CONTRIBUTING.md and docs/ is checked.

Python blocks run as written: the blocks of one file in order in one
namespace, as a reader would paste them; a failing assertion or exception
fails the file's test, and so does a `text` block right after a block that
prints, unless it is exactly what the block printed. Shell blocks name
commands, files, modules and extras that exist; configuration blocks parse;
other `text` blocks are output."""

from __future__ import annotations

import configparser
import contextlib
import inspect
import io
import re
import shlex
import sys
import tomllib
import types
from pathlib import Path

import pytest

import typed_dists as td
from helpers.versions import needs_numpyro_for

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [
    ROOT / "README.md",
    ROOT / "CONTRIBUTING.md",
    *sorted((ROOT / "docs").rglob("*.md")),
]
_FENCED = re.compile(r"^```(\w*)\n(.*?)^```$", re.DOTALL | re.MULTILINE)
LANGUAGES = {"python", "bash", "ini", "toml", "text"}
DOCUMENT_IDS = [str(p.relative_to(ROOT)) for p in DOCUMENTS]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def blocks(path: Path, language: str) -> list[str]:
    found = _FENCED.findall(path.read_text())
    return [code for lang, code in found if lang == language]


def python_blocks(path: Path) -> list[str]:
    return blocks(path, "python")


def test_documents_have_code() -> None:
    assert python_blocks(ROOT / "README.md"), "README.md has no quickstart block"
    assert sum(len(python_blocks(p)) for p in DOCUMENTS) >= 5


@pytest.mark.slow  # every page's code, the API pages' examples sample eagerly
@pytest.mark.parametrize(
    "path",
    [
        pytest.param(p, id=i, marks=needs_numpyro_for(p.read_text()))
        for p, i in zip(DOCUMENTS, DOCUMENT_IDS, strict=True)
    ],
)
def test_code_blocks_run(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A real module, as a user's file would be: dataclasses (and so Equinox)
    # resolve annotations through `sys.modules[cls.__module__]`.
    stem = str(path.relative_to(ROOT).with_suffix(""))
    module = types.ModuleType("docs_" + re.sub(r"\W", "_", stem))
    monkeypatch.setitem(sys.modules, module.__name__, module)
    fenced = _FENCED.findall(path.read_text())
    for index, (language, block) in enumerate(fenced):
        if language != "python":
            continue
        code = compile(block, f"{path.relative_to(ROOT)}[block {index}]", "exec")
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(code, module.__dict__)
        # A block that prints, followed by a `text` block: that is its output.
        following = fenced[index + 1] if index + 1 < len(fenced) else None
        if printed.getvalue() and following is not None and following[0] == "text":
            assert printed.getvalue() == following[1], (
                f"{path.relative_to(ROOT)}: the output after block {index} is "
                f"not what it prints:\n{printed.getvalue()}"
            )


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


@pytest.mark.parametrize("path", DOCUMENTS, ids=DOCUMENT_IDS)
def test_every_block_has_a_checked_language(path: Path) -> None:
    languages = [lang for lang, _ in _FENCED.findall(path.read_text())]
    assert set(languages) <= LANGUAGES, f"{path.name}: {languages}"


def _check_command(words: list[str]) -> None:
    """A documented shell command names things that exist in this repository."""
    extras = PYPROJECT["project"]["optional-dependencies"]
    tools = {"ruff", "mypy", "pyright", "mkdocs", "nox"}
    dev = " ".join(extras["dev"] + extras["docs"])
    if words[0] in tools:
        assert words[0] in dev, f"{words[0]} is not in the dev or docs extra"
    elif words[0] == "bash":
        assert (ROOT / words[1]).is_file(), words
    elif words[:4] == ["python", "-m", "pip", "install"]:
        spec = words[-1]
        for extra in re.findall(r"\[(\w+)\]", spec):
            assert extra in extras, f"no extra {extra!r} in pyproject.toml"
    elif words[:2] == ["python", "-m"]:
        module = words[2]
        if module != "pytest":
            paths = [ROOT / module.replace(".", "/"), ROOT / "src" / module]
            assert any(p.with_suffix(".py").is_file() or p.is_dir() for p in paths), (
                words
            )
    elif words[0] == "python":
        assert (ROOT / words[1]).is_file(), words
    else:
        raise AssertionError(f"an unchecked command in the docs: {words}")


@pytest.mark.parametrize(
    "command",
    [
        "python examples/no_such_example.py",
        "python -m no_such_module",
        'python -m pip install -e ".[no_such_extra]"',
        "bash .ci/no_such_script",
        "make docs",
    ],
)
def test_check_command_rejects_what_does_not_exist(command: str) -> None:
    with pytest.raises(AssertionError):
        _check_command(shlex.split(command))


@pytest.mark.parametrize("path", DOCUMENTS, ids=DOCUMENT_IDS)
def test_shell_and_configuration_blocks(path: Path) -> None:
    for block in blocks(path, "bash"):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words:
                _check_command(words)
    for block in blocks(path, "toml"):
        tomllib.loads(block)
    for block in blocks(path, "ini"):
        configparser.ConfigParser().read_string(block)


def test_documented_typing_configuration_is_the_repositorys() -> None:
    """The settings docs/typing.md recommends are the ones this repo checks with."""
    typing_page = ROOT / "docs" / "typing.md"
    (ini,) = blocks(typing_page, "ini")
    documented = configparser.ConfigParser()
    documented.read_string(ini)
    ours = configparser.ConfigParser()
    ours.read(ROOT / "mypy.ini")
    for section in documented.sections():
        for key, value in documented[section].items():
            assert ours[section][key] == value, (section, key)
    (toml,) = blocks(typing_page, "toml")
    pyright = PYPROJECT["tool"]["pyright"]
    for key, value in tomllib.loads(toml)["tool"]["pyright"].items():
        assert pyright[key] == value, key


def _docstring_objects() -> list[tuple[str, object]]:
    """Public names and the members the API reference renders, with docstrings."""
    objects: list[tuple[str, object]] = []
    for name in td.__all__:
        obj = getattr(td, name)
        objects.append((name, obj))
        if obj is td.TypedDistribution:
            objects.append(("TypedDistribution.to_numpyro", obj.to_numpyro))
    return objects


def _own_docstring(obj: object) -> str:
    if isinstance(obj, type):
        return vars(obj).get("__doc__") or ""
    return getattr(obj, "__doc__", None) or ""


DOCSTRING_EXAMPLES = [
    (name, code)
    for name, obj in _docstring_objects()
    for code in _FENCED.findall(inspect.cleandoc(_own_docstring(obj)))
]


def test_docstring_blocks_are_python() -> None:
    assert DOCSTRING_EXAMPLES, "no docstring examples found"
    assert all(lang == "python" for _, (lang, _) in DOCSTRING_EXAMPLES)


@pytest.mark.parametrize(
    "code",
    [code for _, (_, code) in DOCSTRING_EXAMPLES],
    ids=[name for name, _ in DOCSTRING_EXAMPLES],
)
def test_docstring_examples_run(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The API reference renders these docstrings: their examples run too.
    module = types.ModuleType("docs_docstring_example")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(compile(code, "<docstring>", "exec"), module.__dict__)
