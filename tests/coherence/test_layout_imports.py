"""The layout of DESIGN §9 and its one-way imports: `assessments` may use `instruments`,
`actors` and `coherence`; `instruments` may use `actors` and `coherence`; `actors` may use
`coherence`; `coherence` uses none of them, except its `urls.py`, which mounts them all.

Read with `ast`, so an import inside a function counts as much as one at the top."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("coherence", "actors", "instruments", "assessments")

MAY_USE = {
    "coherence": set(),
    "actors": {"coherence"},
    "instruments": {"actors", "coherence"},
    "assessments": {"instruments", "actors", "coherence"},
}
# The one module of `coherence` that may import the apps: it mounts their URLs.
MOUNTS_EVERYTHING = {Path("coherence/urls.py")}

LAYOUT = [
    "manage.py",
    "coherence",
    "coherence/settings.py",
    "coherence/urls.py",
    "coherence/celery.py",
    "actors",
    "actors/models.py",
    "instruments",
    "instruments/models.py",
    "assessments",
    "assessments/models.py",
    "assessments/scoring.py",
    "assessments/tasks.py",
    "templates",
    "static",
    "fixtures",
    "tests",
    "pyproject.toml",
    "docker-compose.yml",
    "README.md",
]


def python_files(app: str) -> list[Path]:
    return sorted(p.relative_to(ROOT) for p in (ROOT / app).rglob("*.py"))


def imported_apps(path: Path) -> set[tuple[str, int]]:
    """The project apps a module imports, with the line of each import."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: stays inside its own package
                continue
            names = [node.module or ""]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in APPS:
                found.add((top, node.lineno))
    return found


def violations(app: str) -> list[str]:
    problems = []
    for path in python_files(app):
        if path in MOUNTS_EVERYTHING:
            continue
        for other, line in sorted(imported_apps(path)):
            if other != app and other not in MAY_USE[app]:
                problems.append(f"{path}:{line} imports {other}")
    return problems


@pytest.mark.parametrize("app", APPS)
def test_imports_run_one_way(app):
    assert violations(app) == []


def test_the_walk_sees_every_app_module():
    # A guard for the test itself: an empty walk would pass everything.
    for app in APPS:
        assert Path(app, "models.py") in python_files(app)
    assert {app for app, _ in imported_apps(Path("assessments/services.py"))} >= {
        "actors",
        "assessments",
        "coherence",
    }


def test_the_scoring_module_is_pure_pandas():
    tree = ast.parse((ROOT / "assessments/scoring.py").read_text(encoding="utf-8"))
    modules = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    tops = {m.split(".")[0] for m in modules}
    assert not tops & {"django", "celery", *APPS}, tops


@pytest.mark.parametrize("path", LAYOUT)
def test_the_layout_path_exists(path):
    assert (ROOT / path).exists(), f"DESIGN §9 lists {path}"
