"""The shape docs/ARCHITECTURE.md describes, checked: which folder may import which, no
import cycles, no module reaching for another's private names, small modules."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "schedules", "models", "playground")
# The practices, their commitments and prompts are data, not code.
LONG_DATA: set[str] = set()  # data modules allowed past the limit: none now
MAX_LINES = 300

# What each top-level part may import from the project (besides itself).
MAY_IMPORT = {
    "models": set(),
    "bot": {"models"},
    "handlers": {"bot", "models"},
    "schedules": {"bot", "models"},
    # The playground drives the real app: its listeners, its scheduler's jobs, its models.
    # It is handed app.create_app, so app.py can import it lazily without a cycle.
    "playground": {"bot", "handlers", "schedules", "models"},
    "app": {"bot", "handlers", "schedules", "models", "playground"},
}
# bot/'s shared modules sit under every feature folder: they import no feature.
SHARED = {
    "bot.settings",
    "bot.errors",
    "bot.text",
    "bot.catalogue",
    "bot.practices",
    "bot.practice_types",
    "bot.tags",
    "bot.blocks",
    "bot.runtime",
    "bot.command",
    "bot.slack",
    "bot.metrics",
    "bot.logs",
}
# Settings are read first and by everyone: they import nothing of the project.
BOTTOM = {"bot.settings", "bot.errors"}


def modules() -> Iterator[tuple[str, Path]]:
    yield "app", ROOT / "app.py"
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            yield name, path


def imports(path: Path) -> Iterator[tuple[str, list[str]]]:
    """(module imported, names taken from it) for every import in the file, lazy ones too."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, [alias.name for alias in node.names]


def project_target(module: str, names: list[str], known: set[str]) -> list[str]:
    """The project modules an import statement loads (`from bot.x import y` may load
    the module bot.x.y)."""
    if module.split(".")[0] not in (*PACKAGES, "app"):
        return []
    found = [f"{module}.{n}" for n in names if f"{module}.{n}" in known]
    return found or [module]


def top(name: str) -> str:
    return name.split(".")[0]


def is_within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


ALL = dict(modules())
GRAPH = {
    name: {
        target
        for module, names in imports(path)
        for target in project_target(module, names, set(ALL))
        if target != name
    }
    for name, path in ALL.items()
}


@pytest.mark.parametrize("name", sorted(ALL))
def test_imports_point_down(name: str) -> None:
    allowed = MAY_IMPORT[top(name)] | {top(name)}
    wrong = sorted(t for t in GRAPH[name] if top(t) not in allowed)
    assert not wrong, f"{name} imports {wrong}, against docs/ARCHITECTURE.md"


@pytest.mark.parametrize("name", sorted(n for n in ALL if any(is_within(n, s) for s in SHARED)))
def test_shared_modules_import_no_feature(name: str) -> None:
    features = sorted(
        t for t in GRAPH[name] if top(t) == "bot" and not any(is_within(t, s) for s in SHARED)
    )
    assert not features, f"shared {name} imports feature modules {features}"


@pytest.mark.parametrize("name", sorted(BOTTOM))
def test_settings_and_errors_import_nothing_of_the_project(name: str) -> None:
    assert GRAPH[name] == set()


def test_no_import_cycles() -> None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(GRAPH.get(node, ())):
            if nxt not in ALL:
                continue
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt) :], nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for name in sorted(ALL):
        if name not in state:
            visit(name)


@pytest.mark.parametrize("name", sorted(ALL))
def test_no_private_names_from_other_modules(name: str) -> None:
    private = [
        f"{module}.{n}"
        for module, names in imports(ALL[name])
        for n in names
        if top(module) in (*PACKAGES, "app") and n.startswith("_")
    ]
    assert not private, f"{name} imports private names {private}"


@pytest.mark.parametrize("name", sorted(ALL))
def test_modules_stay_small(name: str) -> None:
    relative = ALL[name].relative_to(ROOT).as_posix()
    lines = len(ALL[name].read_text().splitlines())
    assert relative in LONG_DATA or lines <= MAX_LINES, f"{relative} has {lines} lines"


def test_the_check_sees_the_whole_project() -> None:
    # A check that found no modules would pass everything: make sure it reads the tree.
    assert {"app", "bot.settings", "handlers.commands", "schedules.jobs", "models.db"} <= set(ALL)
    assert "bot.blocks" in GRAPH["bot.command"]
