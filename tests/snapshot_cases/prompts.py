"""Practice prompts, the Respond modal and the answers people share."""

from __future__ import annotations

from slack_sdk.models.views import View

from bot import catalogue
from bot.blocks import Message
from bot.prompts import modals, pilots, render
from bot.prompts.responses import Logged
from bot.statements.service import Current
from tests.snapshot_cases import case
from tests.snapshot_cases.milestones import FIRST_PILOT_BEN
from tests.snapshot_cases.world import ANA, BEN, CHANNEL, LEAD, ago

VISION = Current(
    text="A calm team that ships every week & learns out loud.",
    author_id=LEAD,
    created_at=ago(days=12),
    version=2,
)


def _prompt(kind: str) -> tuple[str, str, catalogue.Prompt]:
    """The first prompt of the catalogue with this response kind."""
    for practice in catalogue.PRACTICES:
        for commitment in practice.commitments:
            for item in commitment.prompts:
                if item.kind == kind:
                    return practice.key, commitment.key, item
    raise LookupError(kind)


def _prompt_key(key: str) -> tuple[str, str, catalogue.Prompt]:
    found = catalogue.find_prompt(key)
    assert found is not None
    return found[0].key, found[1].key, found[2]


def _logged(kind: str, text: str, user: str | None = ANA, **more: object) -> Logged:
    practice, commitment = catalogue.KIND_HOME[kind]
    values: dict[str, object] = {"practice": practice, "commitment": commitment, **more}
    return Logged(id=1, kind=kind, user_id=user, text=text, **values)  # type: ignore[arg-type]


# -- the prompts -----------------------------------------------------------------------------


@case(render.prompt, "kudos")
def prompt_kudos() -> Message:
    return render.prompt(*_prompt("kudos"))


@case(render.prompt, "worry")
def prompt_worry() -> Message:
    return render.prompt(*_prompt("fear"))


@case(render.prompt, "vision with the vision")
def prompt_vision() -> Message:
    return render.prompt(*_prompt("vision"), vision=VISION)


@case(render.prompt, "naming one of our values")
def prompt_value() -> Message:
    practice, commitment, item = _prompt_key("model.example.2")
    return render.prompt(practice, commitment, item, text=item.ask("Ownership"))


@case(render.prompt, "vision without one")
def prompt_no_vision() -> Message:
    return render.prompt(*_prompt("vision"), vision=None)


def _modal(kind: str) -> View:
    _, _, item = _prompt(kind)
    return modals.response_modal(item, modals.ModalContext(CHANNEL, item.key, 3, "1.2"))


for _kind in ("kudos", "fear", "win", "vision", "reflection"):
    case(modals.response_modal, _kind)(lambda k=_kind: _modal(k))


@case(modals.response_modal, "kudos naming a value, with the values to choose")
def modal_values() -> View:
    _, _, item = _prompt_key("model.example.2")
    context = modals.ModalContext(CHANNEL, item.key, 3, "1.2")
    asked = item.ask("Curiosity")
    return modals.response_modal(item, context, asked, ("Ownership", "Curiosity"))


@case(modals.response_modal, "win with the values to choose")
def modal_win_values() -> View:
    _, _, item = _prompt("win")
    context = modals.ModalContext(CHANNEL, item.key, 3, "1.2")
    return modals.response_modal(item, context, values=("Ownership", "R&amp;D in the open"))


@case(pilots.learning_form)
def learning_form() -> View:
    return pilots.learning_form(pilots.Pilot(4, CHANNEL, "1.5", "Async stand-ups for two weeks"))


# -- what people share -------------------------------------------------------------------


SHARED = {
    "win": "Shipped the export & the new onboarding flow, on time",
    "vision": "In a year every release is boring, in the best way",
    "hope": "Fewer meetings, more focus time",
    "goal": "Every team reviews one other team's plan this quarter",
    "pilot": "Async stand-ups for two weeks",
    "idea": "A demo day every month",
    "learning": "Smaller pull requests get reviewed the same day",
    "reflection": "I listen better when I take notes",
}

for _kind, _text in SHARED.items():
    case(render.shared, _kind)(lambda k=_kind, t=_text: render.shared(_logged(k, t)))


@case(render.shared, "win tagged with another practice")
def shared_tagged() -> Message:
    return render.shared(
        _logged("win", "We tried trunk-based builds", practice="challenge", commitment="experiment")
    )


@case(render.shared, "pilot with its learning button")
def shared_pilot_button() -> Message:
    return render.shared(_logged("pilot", "Async stand-ups for two weeks"), learn=True)


@case(render.shared, "win showing a value, tagged")
def shared_win_value() -> Message:
    return render.shared(
        _logged(
            "win",
            "We asked the customer first",
            practice="challenge",
            commitment="experiment",
            team_value="Curiosity",
        )
    )


@case(render.shared, "first pilot celebrated")
def shared_first_pilot() -> Message:
    return render.shared(
        _logged("pilot", "Async stand-ups for two weeks", BEN, milestones=(FIRST_PILOT_BEN,))
    )


@case(render.unknown_tag)
def unknown_tag() -> Message:
    return render.unknown_tag("teamwork")


@case(render.counted_not_kudos)
def counted_not_kudos() -> Message:
    return render.counted_not_kudos("reflection", [BEN])


@case(render.fear_logged)
def fear_logged() -> Message:
    return render.fear_logged()


@case(render.worry_in_thread)
def worry_in_thread() -> Message:
    return render.worry_in_thread()
