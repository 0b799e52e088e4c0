"""Snapshots of every message, modal, App Home and digest the bot renders, as a person reads
them (tests/readable.py), checked in under tests/snapshots/ and reviewed like code: a change
in wording or layout shows in the diff.

The cases (tests/snapshot_cases/) call each render function with fixed inputs built from
plain frozen dataclasses and a fixed clock, so a snapshot never changes by itself. Every
public function of bot/*/render.py and bot/prompts/modals.py, every function in a feature
that returns a Message or a View, and every Message a render module keeps as a constant
needs a case: a new one without a snapshot fails here.

After a deliberate change, rewrite the snapshots and review the diff:

    NUDGEBOT_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_snapshots.py
"""

from __future__ import annotations

import ast
import difflib
import importlib
import os
import re
from pathlib import Path
from typing import Any

import pytest

from bot.blocks import Message
from tests.readable import Reader, slack_date
from tests.snapshot_cases import BROKEN, Case, load
from tests.snapshot_cases.world import CHANNELS, PEOPLE, ZONE

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
UPDATE = os.environ.get("NUDGEBOT_UPDATE_SNAPSHOTS") == "1"
# Modules that render: each of their public functions needs a case, unless listed below.
RENDER_MODULES = ("render.py", "modals.py")
# Public functions of render modules that are not a message of their own, and why.
HELPERS = {
    "bot.pulse.render.score_line": "one practice's line of a pulse result, part of it",
    "bot.pulse.modals.read_answer": "reads a submitted pulse form back",
    "bot.digest.render.blocks": "the digest's blocks, shown by its two messages",
    "bot.digest.render.few": "a section of a few lines, part of the digest",
    "bot.digest.render.span": "the digest's days, part of its header",
    "bot.habits.modals.field": "reads one field of a submitted form",
    "bot.habits.modals.metadata": "reads a submitted form's private metadata",
    "bot.habits.modals.form_again": "the open habit form as it stands, redrawn by setup_view",
    "bot.habits.modals.read_setup": "reads the submitted habit form back",
    "bot.home.render.next_step": "a line of App Home",
    "bot.progress.render.title": "the report's header",
    "bot.prompts.modals.read_answer": "reads a submitted modal back",
    "bot.prompts.pilots.read_learning": "reads a submitted learning form back",
    "bot.values.render.listed": "the values as lines, part of their messages and App Home",
    "bot.values.render.value_label": "a line under a kudos or a win, shown with them",
}
READER = Reader(PEOPLE, CHANNELS, ZONE)


# -- which functions render --------------------------------------------------------------


def feature_modules() -> list[tuple[str, Path]]:
    """(dotted name, path) of every module in a feature folder of bot/."""
    found = []
    for path in sorted((ROOT / "bot").glob("*/*.py")):
        if path.parent.name in ("slack", "__pycache__") or path.name == "__init__.py":
            continue
        found.append((".".join(path.relative_to(ROOT).with_suffix("").parts), path))
    return found


def _returns_rendering(node: ast.FunctionDef) -> bool:
    if node.returns is None:
        return False
    names = {n.id for n in ast.walk(node.returns) if isinstance(n, ast.Name)}
    return bool(names & {"Message", "View"})


def rendering_functions() -> set[str]:
    """Every function that needs a case."""
    found = set()
    for module, path in feature_modules():
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            if path.name in RENDER_MODULES or _returns_rendering(node):
                found.add(f"{module}.{node.name}")
    return found - set(HELPERS)


def message_constants() -> list[Case]:
    """A case for every Message a feature module keeps ready-made (a refusal, a notice)."""
    cases = []
    for module, path in feature_modules():
        assigned = {
            target.id
            for node in ast.parse(path.read_text()).body
            if isinstance(node, ast.Assign | ast.AnnAssign)
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Name)
        }
        if not assigned:
            continue
        loaded = importlib.import_module(module)
        for name in sorted(assigned):
            value = getattr(loaded, name, None)
            if isinstance(value, Message):
                cases.append(Case(f"{module}.{name}", "", lambda v=value: v))
    return cases


def all_cases() -> list[Case]:
    return [*load(), *message_constants()]


CASES = all_cases()


# -- the snapshots -----------------------------------------------------------------------


def _path(case: Case) -> Path:
    return SNAPSHOTS / f"{case.name}.txt"


def _read(rendered: Any) -> str:
    return READER.read(rendered)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_snapshot(case: Case) -> None:
    shown = _read(case.build())
    path = _path(case)
    if UPDATE:
        if not path.exists() or path.read_text() != shown:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(shown)
        return
    assert path.exists(), (
        f"No snapshot for {case.target} ({case.variant or 'no variant'}): run "
        "NUDGEBOT_UPDATE_SNAPSHOTS=1 pytest tests/test_snapshots.py and review the new file"
    )
    expected = path.read_text()
    if shown != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                shown.splitlines(keepends=True),
                f"{path.relative_to(ROOT)} (checked in)",
                "rendered now",
            )
        )
        pytest.fail(
            f"{case.target} renders differently:\n{diff}\nIf the change is meant, run "
            "NUDGEBOT_UPDATE_SNAPSHOTS=1 pytest tests/test_snapshots.py and review the diff.",
            pytrace=False,
        )


_PADDED_DAY = re.compile(r"\b0\d (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_what_people_read_has_no_broken_markup_settings_or_padded_days(case: Case) -> None:
    """Across every message: no `<`, `>` or `&` Slack would take for markup we don't mean,
    no setting's name, and days written the one way (`Fri 4 Dec`, never `04 Dec`)."""
    shown = _read(case.build())
    assert "⚠<" not in shown, shown
    assert "NUDGEBOT_" not in shown, shown
    assert not _PADDED_DAY.search(shown), shown


def test_every_case_module_imports() -> None:
    """A feature's case module that no longer builds its inputs fails here, by name (no
    snapshot is deleted as left over until it builds again)."""
    load()
    assert not BROKEN, "\n\n".join(f"{name}:\n{trace}" for name, trace in BROKEN.items())


def test_every_render_function_has_a_case() -> None:
    covered = {c.target for c in CASES}
    missing = sorted(rendering_functions() - covered)
    assert not missing, (
        "These render functions have no snapshot case: add one in tests/snapshot_cases/ "
        "(or, for a helper that is not a message, a line in HELPERS):\n" + "\n".join(missing)
    )
    assert not set(HELPERS) - {f"{m}.{n}" for m, p in feature_modules() for n in _public(p)}, (
        "HELPERS names a function that no longer exists"
    )


def _public(path: Path) -> set[str]:
    return {
        n.name
        for n in ast.parse(path.read_text()).body
        if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")
    }


def test_every_case_has_its_own_snapshot_and_no_snapshot_is_left_over() -> None:
    names = [c.name for c in CASES]
    assert len(names) == len(set(names)), "two cases share a name: give them variants"
    if BROKEN:  # a case module that doesn't import keeps its snapshots until it does
        pytest.skip("a case module doesn't import: see test_every_case_module_imports")
    kept = {f"{n}.txt" for n in names}
    # Ours are named <module>.<function>[--variant].txt; other files are not ours to judge.
    stale = [
        p for p in sorted(SNAPSHOTS.rglob("*.*.txt")) if str(p.relative_to(SNAPSHOTS)) not in kept
    ]
    if UPDATE:
        for path in stale:
            path.unlink()
        return
    assert not stale, "Snapshots without a case (rerun with NUDGEBOT_UPDATE_SNAPSHOTS=1): " + (
        ", ".join(str(p.relative_to(SNAPSHOTS)) for p in stale)
    )


# -- the reader itself -------------------------------------------------------------------


def test_the_reader_shows_text_as_slack_does() -> None:
    reader = Reader({"UANA": "Ana"}, {"CTEAM": "team"})
    assert reader.text("<@UANA> in <#CTEAM> and <#CX|other>, <@UX|zed>") == (
        "@Ana in #team and #other, @zed"
    )
    assert reader.text("&lt;b&gt; &amp;amp; <https://x.test|the plan> <!here>") == (
        "<b> &amp; the plan (https://x.test) @here"
    )
    # A `<placeholder>` we forgot to escape would be a broken link in Slack: marked.
    assert reader.text("for <what they did>") == "for ⚠<what they did⚠>"
    stamp = 1796374800  # 2026-12-04 09:00 UTC
    assert reader.text(f"<!date^{stamp}^{{date_short_pretty}} at {{time}}|fallback>") == (
        "Dec 4, 2026 at 09:00"
    )
    assert slack_date(stamp, "{date_long}") == "Friday, December 4th, 2026"
    assert slack_date(stamp, "{time}", "Europe/Berlin") == "10:00"


def test_the_reader_shows_every_kind_of_block() -> None:
    from slack_sdk.models.blocks import (
        ActionsBlock,
        ButtonElement,
        ConfirmObject,
        DividerBlock,
        HeaderBlock,
        ImageBlock,
        InputBlock,
        MarkdownTextObject,
        PlainTextInputElement,
        SectionBlock,
    )

    from bot.blocks import context, message, section

    rendered = message(
        "fallback",
        [
            HeaderBlock(text="Title"),
            section("line one\nline two"),
            SectionBlock(
                fields=[MarkdownTextObject(text="*a*"), MarkdownTextObject(text="b")],
                accessory=ButtonElement(text="Open", action_id="o"),
            ),
            context("one", "two"),
            DividerBlock(),
            ActionsBlock(
                elements=[
                    ButtonElement(text="Go", action_id="g", style="primary"),
                    ButtonElement(
                        text="Drop",
                        action_id="d",
                        style="danger",
                        confirm=ConfirmObject(title="Sure?", text="For good.", confirm="Yes"),
                    ),
                ]
            ),
            InputBlock(
                label="Why?",
                element=PlainTextInputElement(action_id="w", multiline=True, max_length=10),
                optional=True,
            ),
            ImageBlock(image_url="https://x.test/a.png", alt_text="a chart"),
        ],
    )
    assert READER.read(rendered) == (
        "notification: fallback\n"
        + "=" * 40
        + "\n# Title\nline one\nline two\n  | *a*\n  | b\n  [Open]\n~ one · two\n---\n"
        "[Go]* [Drop]!\n  Drop asks: Sure? / For good. / [Yes] [No]\n"
        "Why? (optional) [text, several lines, max 10]\n[image: a chart]\n"
    )
