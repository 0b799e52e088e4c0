"""Parsing slash-command text: happy paths, every error, and properties over arbitrary text."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import catalogue, tags
from bot.errors import UserError
from bot.prompts import parsing as prompts_parsing
from bot.prompts.parsing import NOW_USAGE, WIN_USAGE
from bot.recognition import parsing as recognition_parsing
from bot.recognition.parsing import KUDOS_USAGE, Kudos
from bot.statements import parsing as statements_parsing
from bot.statements.parsing import GUIDELINES_USAGE, VISION_USAGE
from bot.tags import Tagged
from bot.text import MAX_TEXT, clip_word
from handlers.commands import route


def raises_user_error(fn: Callable[[], object], usage: str | None, *fragments: str) -> UserError:
    with pytest.raises(UserError) as info:
        fn()
    err = info.value
    assert err.usage == usage
    for fragment in fragments:
        assert fragment in err.message, (fragment, err.message)
    assert str(err) == err.message
    return err


# --- /kudos -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<@U1|ana> for running the retro", Kudos(("U1",), "for running the retro", None)),
        ("  <@U1> thanks!  ", Kudos(("U1",), "thanks!", None)),
        (
            "<@U1|ana>, <@U2|ben> and <@W3> for the fix #heart",
            Kudos(("U1", "U2", "W3"), "for the fix", "heart"),
        ),
        ("<@U1> &amp; <@U2> + <@U3> & <@U4> for pairing", None),
        ("<@U1> <@U1|ana> <@U2> for x", Kudos(("U1", "U2"), "for x", None)),
        (
            "<@U1> for helping <@U2> #Encourage-the-Heart",
            Kudos(("U1",), "for helping <@U2>", "heart"),
        ),
        ("<@U1> great demo <#C123ABC|inspire>", Kudos(("U1",), "great demo", "vision")),
        ("<@U1> for help in <#C1|random>", Kudos(("U1",), "for help in <#C1|random>", None)),
        ("<@U1>,<@U2> for pairing", Kudos(("U1", "U2"), "for pairing", None)),
        ("<@U1> for a\x00b\x1bc", Kudos(("U1",), "for abc", None)),
        ("<@U1> great demo #mtw", Kudos(("U1",), "great demo", "model")),
        ("<@U1> AND <@U2> for it", Kudos(("U1", "U2"), "for it", None)),
    ],
)
def test_parse_kudos_happy(text: str, expected: Kudos | None) -> None:
    parsed = recognition_parsing.parse_kudos(text)
    if expected is None:
        assert parsed.recipients == ("U1", "U2", "U3", "U4")
        assert parsed.reason == "for pairing"
    else:
        assert parsed == expected


def test_parse_kudos_ten_recipients_is_the_limit() -> None:
    ten = " ".join(f"<@U{i:03d}>" for i in range(10))
    assert len(recognition_parsing.parse_kudos(f"{ten} for the launch").recipients) == 10
    eleven = ten + " <@U999>"
    raises_user_error(
        lambda: recognition_parsing.parse_kudos(f"{eleven} for the launch"),
        KUDOS_USAGE,
        "That's 11 people",
        "at most 10",
    )
    # The same person named twice counts once.
    assert len(recognition_parsing.parse_kudos(f"{ten} <@U000> for the launch").recipients) == 10


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Who are the kudos for? Start with an @mention."),
        ("   ", "Who are the kudos for?"),
        ("for the retro", "Who are the kudos for?"),
        ("#heart", "Who are the kudos for?"),
        ("@ana for the retro", "I couldn't tell who *@ana* is"),
        ("<!here> for the retro", "not to groups or the whole channel"),
        ("<!subteam^S123|@devs> for the retro", "not to groups"),
        ("<@U1>", "Say what they did"),
        ("<@U1> for", "Say what they did"),
        ("<@U1> FOR !!!", "Say what they did"),
        ("<@U1> and <@U2>", "Say what they did"),
        ("<@U1> #heart", "Say what they did"),
        ("<@U1> #nope", "Say what they did"),
    ],
)
def test_parse_kudos_errors(text: str, fragment: str) -> None:
    raises_user_error(lambda: recognition_parsing.parse_kudos(text), KUDOS_USAGE, fragment)


def test_parse_kudos_keeps_a_tag_that_is_no_practice_in_the_reason() -> None:
    # Before: refused whole ("I don't know the practice *#teamwork*").
    kudos = recognition_parsing.parse_kudos("<@U1> for the fix #teamwork")
    assert kudos == recognition_parsing.Kudos(("U1",), "for the fix #teamwork", None, "teamwork")
    known = recognition_parsing.parse_kudos("<@U1> for the fix #heart")
    assert (known.reason, known.practice, known.unknown_tag) == ("for the fix", "heart", None)


def test_not_a_practice_names_the_tags_and_the_nearest() -> None:
    note = tags.not_a_practice("bogus", "your kudos")
    for key in ("model", "vision", "challenge", "enable", "heart"):
        assert f"`#{key}`" in note
    assert "Did you mean" not in note
    assert "Did you mean `#heart`?" in tags.not_a_practice("hearts", "your kudos")
    assert "Did you mean `#challenge`?" in tags.not_a_practice("challange", "your win")
    assert "t" * 41 not in tags.not_a_practice("t" * 500, "your win")


def test_parse_kudos_reason_length() -> None:
    ok = "x" * MAX_TEXT
    assert recognition_parsing.parse_kudos(f"<@U1> {ok}").reason == ok
    raises_user_error(
        lambda: recognition_parsing.parse_kudos(f"<@U1> {ok}y"),
        KUDOS_USAGE,
        "3,001 characters",
        "under 3,000",
    )


# --- /win ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("shipped the beta", Tagged("shipped the beta", None)),
        ("  shipped the beta #challenge ", Tagged("shipped the beta", "challenge")),
        ("we did it <#C9|encourage-the-heart>", Tagged("we did it", "heart")),
        ("#heart is in the middle #vision", Tagged("#heart is in the middle", "vision")),
        ("a #", Tagged("a #", None)),
        ("shipped it #teamwork", Tagged("shipped it #teamwork", None, "teamwork")),
        ("answered in <#C9|support>", Tagged("answered in <#C9|support>", None)),
    ],
)
def test_parse_win_happy(text: str, expected: Tagged) -> None:
    assert prompts_parsing.parse_win(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Tell us what the win was."),
        ("#heart", "Tell us what the win was."),
        ("!!! ... #heart", "Tell us what the win was."),
        ("x" * 3001, "3,001 characters"),
    ],
)
def test_parse_win_errors(text: str, fragment: str) -> None:
    raises_user_error(lambda: prompts_parsing.parse_win(text), WIN_USAGE, fragment)


# --- /vision and /nudge guidelines --------------------------------------------------------------


def test_parse_vision() -> None:
    assert statements_parsing.parse_vision("") is None
    assert statements_parsing.parse_vision("   ") is None
    assert (
        statements_parsing.parse_vision("set A team that ships weekly")
        == "A team that ships weekly"
    )
    assert statements_parsing.parse_vision("SET   multi\nline  ") == "multi\nline"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("show", "`/vision` doesn't take *show*"),
        ("*bold* words", "doesn't take *bold*"),
        ("set", "Write the vision after `set`."),
        ("set   ...", "Write the vision after `set`."),
        ("set " + "v" * 3001, "3,001 characters"),
    ],
)
def test_parse_vision_errors(text: str, fragment: str) -> None:
    raises_user_error(lambda: statements_parsing.parse_vision(text), VISION_USAGE, fragment)


def test_parse_vision_echo_is_clipped() -> None:
    err = raises_user_error(lambda: statements_parsing.parse_vision("z" * 500), VISION_USAGE)
    assert "z" * 39 + "…" in err.message
    assert "z" * 41 not in err.message


def test_parse_guidelines() -> None:
    assert statements_parsing.parse_guidelines("") is None
    assert statements_parsing.parse_guidelines("set Ask in #help") == "Ask in #help"
    raises_user_error(
        lambda: statements_parsing.parse_guidelines("show"),
        GUIDELINES_USAGE,
        "`/nudge guidelines` doesn't take *show*",
    )
    raises_user_error(
        lambda: statements_parsing.parse_guidelines("set"),
        GUIDELINES_USAGE,
        "Write the guidelines after",
    )
    raises_user_error(
        lambda: statements_parsing.parse_guidelines("set " + "g" * 3001), GUIDELINES_USAGE, "3,001"
    )


# --- /nudge -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (None, "", None)),
        ("   ", (None, "", None)),
        ("help", ("help", "", None)),
        ("practices", ("practices", "", None)),
        ("NOW heart", ("now", "heart", None)),
        ("now encourage the heart", ("now", "encourage the heart", None)),
        ("progress 30d", ("progress", "30d", None)),
        ("guidelines set  be kind ", ("guidelines", "set  be kind", None)),
        ("hope we ship", ("hope", "we ship", None)),
        ("fear\nwe won't", ("fear", "we won't", None)),
        ("bogus stuff here", (None, "", "bogus")),
        ("kudos <@U1>", (None, "", "kudos")),
    ],
)
def test_route_nudge(text: str, expected: tuple[str | None, str, str | None]) -> None:
    spec, rest, unknown = route(text)
    assert (spec.name if spec else None, rest, unknown) == expected


@pytest.mark.parametrize("kind", prompts_parsing.LOG_KINDS)
def test_parse_nudge_every_log_kind(kind: str) -> None:
    spec, rest, _ = route(f"{kind.upper()} some text")
    assert spec is not None and (spec.name, rest) == (kind, "some text")


@pytest.mark.parametrize(
    ("rest", "key"),
    [
        ("", None),
        (" ", None),
        ("heart", "heart"),
        ("Encourage the Heart", "heart"),
        ("#mtw", "model"),
    ],
)
def test_parse_practice_arg(rest: str, key: str | None) -> None:
    assert prompts_parsing.parse_practice_arg(rest) == key


def test_parse_practice_arg_error() -> None:
    raises_user_error(
        lambda: prompts_parsing.parse_practice_arg("gardening"),
        NOW_USAGE,
        "I don't know the practice *gardening*",
        "`heart`",
    )


@pytest.mark.parametrize("kind", prompts_parsing.LOG_KINDS)
def test_parse_log(kind: str) -> None:
    assert prompts_parsing.parse_log(kind, "  we could pair more  ") == "we could pair more"
    raises_user_error(
        lambda: prompts_parsing.parse_log(kind, " ... "),
        f"/nudge {kind} <text>",
        f"Write your {kind} after `/nudge {kind}`.",
    )
    raises_user_error(
        lambda: prompts_parsing.parse_log(kind, "w" * 3001),
        f"/nudge {kind} <text>",
        "3,001 characters",
    )
    assert prompts_parsing.parse_log(kind, "w" * 3000) == "w" * 3000


@pytest.mark.parametrize(
    ("parser", "text"),
    [
        (prompts_parsing.parse_win, "#" + "t" * 500),
        (recognition_parsing.parse_kudos, "@" + "n" * 500 + " for it"),
    ],
)
def test_echoed_words_are_clipped(parser: Callable[[str], object], text: str) -> None:
    # Every other error echoes the person's word through clip_word (<= 40 characters).
    with pytest.raises(UserError) as info:
        parser(text)
    assert "t" * 41 not in info.value.message
    assert "n" * 41 not in info.value.message


def test_clip_word() -> None:
    assert clip_word("  *bold* _it_ `code` ~s~ ") == "bold it code s"
    assert clip_word("a" * 40) == "a" * 40
    assert clip_word("a" * 41) == "a" * 39 + "…"
    assert len(clip_word("b" * 1000, limit=10)) == 10


# --- properties ---------------------------------------------------------------------------------

USER_ID = re.compile(r"^[UW][A-Z0-9]+$")

_slack_tokens = st.one_of(
    st.from_regex(r"<@[UW][A-Z0-9]{1,11}(\|[a-z.]{0,8})?>", fullmatch=True),
    st.from_regex(r"<@[a-zA-Z0-9|]{0,6}>?", fullmatch=True),
    st.sampled_from(
        [
            ",",
            "and",
            "&amp;",
            "&",
            "+",
            "for",
            "FOR",
            "#",
            "#heart",
            "#nope",
            "<#C1|heart>",
            "<#C1|>",
            "<!here>",
            "@ana",
            "set",
            "7d",
            "now",
            "fear",
            "\n",
            "\u3000",
            "\x1c",
        ]
    ),
    st.text(max_size=12),
)
slacky_text = st.lists(_slack_tokens, max_size=25).map(" ".join)
any_text = st.one_of(st.text(max_size=200), slacky_text)

PARSERS: list[tuple[str, Callable[[str], object]]] = [
    ("kudos", recognition_parsing.parse_kudos),
    ("win", prompts_parsing.parse_win),
    ("vision", statements_parsing.parse_vision),
    ("nudge", route),
    ("practice_arg", prompts_parsing.parse_practice_arg),
    ("guidelines", statements_parsing.parse_guidelines),
    *[
        (f"log_{kind}", lambda text, kind=kind: prompts_parsing.parse_log(kind, text))
        for kind in prompts_parsing.LOG_KINDS
    ],
]


@pytest.mark.parametrize(("name", "parser"), PARSERS, ids=[n for n, _ in PARSERS])
@settings(max_examples=150, deadline=None)
@given(text=any_text)
def test_parsers_return_or_raise_user_error(
    name: str, parser: Callable[[str], object], text: str
) -> None:
    try:
        parser(text)
    except UserError as err:
        assert err.message
        assert err.usage


@settings(max_examples=300, deadline=None)
@given(text=slacky_text)
def test_parse_kudos_recipients_always_valid(text: str) -> None:
    try:
        parsed = recognition_parsing.parse_kudos(text)
    except UserError:
        return
    assert 1 <= len(parsed.recipients) <= recognition_parsing.MAX_RECIPIENTS
    assert len(set(parsed.recipients)) == len(parsed.recipients)
    assert all(USER_ID.match(r) for r in parsed.recipients), parsed.recipients
    assert re.sub(r"[\W_]+", "", parsed.reason)
    assert len(parsed.reason) <= MAX_TEXT
    assert parsed.practice is None or parsed.practice in catalogue.PRACTICE_KEYS


@settings(max_examples=100, deadline=None)
@given(
    ids=st.lists(st.from_regex(r"[UW][A-Z0-9]{2,10}", fullmatch=True), min_size=1, max_size=15),
    reason=st.from_regex(r"[a-z]{1,10}( [a-z]{1,10}){0,5}", fullmatch=True),
)
def test_parse_kudos_finds_every_leading_mention(ids: list[str], reason: str) -> None:
    text = " ".join(f"<@{i}|x>" for i in ids) + " for " + reason
    distinct = list(dict.fromkeys(ids))
    if len(distinct) > recognition_parsing.MAX_RECIPIENTS:
        with pytest.raises(UserError):
            recognition_parsing.parse_kudos(text)
        return
    parsed = recognition_parsing.parse_kudos(text)
    assert list(parsed.recipients) == distinct
    assert parsed.reason == "for " + reason
