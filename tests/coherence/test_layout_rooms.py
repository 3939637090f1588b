"""The house stays easy to read: every package says what lives in it, and no
function grows past what a reader holds in view."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("coherence", "actors", "instruments", "assessments", "bench")
LONGEST = 120  # lines, decorators and docstring included


def sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


@pytest.mark.parametrize(
    "package",
    [p.parent.relative_to(ROOT) for p in sources() if p.name == "__init__.py"],
    ids=str,
)
def test_every_package_says_in_one_line_what_lives_there(package):
    docstring = ast.get_docstring(ast.parse((ROOT / package / "__init__.py").read_text()))
    assert docstring, f"{package}/__init__.py has no docstring"
    assert "\n" not in docstring.strip(), f"{package}: the docstring is one line"


def test_no_function_is_longer_than_a_reader_holds_in_view():
    long = []
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                if node.end_lineno - first + 1 >= LONGEST:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert not long, long
