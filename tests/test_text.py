"""mrkdwn text helpers: clip cuts cleanly and within the limit; escape, quote, join_names."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text import clip, escape, join_names, quote

# Pieces of Slack text. Entities are (text, is_entity); the label has no spaces here, see the
# separate regression test for labels that do.
_mention = st.builds(
    lambda uid, name: f"<@{uid}|{name}>" if name else f"<@{uid}>",
    st.from_regex(r"U[A-Z0-9]{2,10}", fullmatch=True),
    st.from_regex(r"[a-z.]{0,12}", fullmatch=True),
)
_link = st.builds(
    lambda path, label: (
        f"<https://example.com/{path}|{label}>" if label else f"<https://example.com/{path}>"
    ),
    # Slack escapes "&" everywhere, inside URLs too.
    st.lists(st.from_regex(r"[a-z0-9/?=]{0,20}", fullmatch=True), max_size=3).map("&amp;".join),
    st.from_regex(r"[A-Za-z0-9]{0,15}", fullmatch=True),
)
_channel = st.from_regex(r"<#C[A-Z0-9]{2,9}\|[a-z-]{1,12}>", fullmatch=True)
_html = st.sampled_from(["&amp;", "&lt;", "&gt;"])
_entity = st.one_of(_mention, _link, _channel, _html).map(lambda t: (t, True))
_plain = st.one_of(
    st.from_regex(r"[A-Za-z0-9.,!?'*_]{1,15}", fullmatch=True),
    st.sampled_from([" ", "  ", "\n", "é", "🙂"]),
).map(lambda t: (t, False))
_pieces = st.lists(st.one_of(_entity, _plain), max_size=60)


def _build(pieces: list[tuple[str, bool]]) -> tuple[str, list[tuple[int, int]]]:
    """Join pieces; return the text and the [start, end) span of every entity in it."""
    text, spans = "", []
    for piece, is_entity in pieces:
        if is_entity:
            spans.append((len(text), len(text) + len(piece)))
        text += piece
    return text, spans


def _assert_clean_cut(text: str, spans: list[tuple[int, int]], limit: int, result: str) -> None:
    assert len(result) <= limit
    if len(text) <= limit:
        assert result == text
        return
    assert result.endswith("…")
    kept = result[:-1]
    assert text.startswith(kept), "clip must keep a prefix of the text"
    cut = len(kept)
    for start, end in spans:
        assert not start < cut < end, f"cut at {cut} splits {text[start:end]!r}"


@settings(max_examples=400, deadline=None)
@given(pieces=_pieces, data=st.data())
def test_clip_properties(pieces: list[tuple[str, bool]], data: st.DataObject) -> None:
    text, spans = _build(pieces)
    limit = data.draw(st.integers(min_value=1, max_value=max(1, len(text) + 5)), label="limit")
    _assert_clean_cut(text, spans, limit, clip(text, limit))


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400), limit=st.integers(min_value=1, max_value=500))
def test_clip_any_text_stays_within_limit(text: str, limit: int) -> None:
    result = clip(text, limit)
    assert len(result) <= limit
    if len(text) <= limit:
        assert result == text
    else:
        assert result.endswith("…")
        assert text.startswith(result[:-1])


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=300))
def test_clip_returns_short_text_unchanged(text: str) -> None:
    assert clip(text, len(text)) == text
    assert clip(text, len(text) + 100) == text
    assert clip(text, 3000) == text


def test_clip_prefers_a_word_boundary() -> None:
    text = "alpha beta gamma delta epsilon"
    assert clip(text, 20) == "alpha beta gamma…"
    assert clip("a" * 50, 10) == "a" * 9 + "…"


def test_clip_adds_ellipsis_only_when_cut() -> None:
    assert clip("exactly ten", 11) == "exactly ten"
    assert "…" not in clip("short", 5)
    assert clip("short!", 5).endswith("…")


@pytest.mark.parametrize(
    "entity",
    ["<@U12345678|ana>", "<https://example.com/a/b?c=d|docs>", "&amp;", "<#C1234|general>"],
)
def test_clip_never_splits_an_entity(entity: str) -> None:
    text = "x" * 20 + entity + "y" * 20
    for limit in range(1, len(text)):
        kept = clip(text, limit)[:-1]
        assert len(kept) <= 20 or kept.startswith("x" * 20 + entity), (limit, kept)


@pytest.mark.parametrize(
    "entity", ["<https://example.com/doc|the design doc>", "<@U12345678|Ana Maria>"]
)
def test_clip_never_splits_an_entity_whose_label_has_spaces(entity: str) -> None:
    # Slack labels may hold spaces. Cutting just after the entity must not fall back to the
    # last space, which is inside the label.
    text = "x" * 80 + " " + entity + "yy"
    for limit in range(1, len(text)):
        result = clip(text, limit)
        kept = result[:-1]
        assert "<" not in kept or kept.endswith(">"), (limit, result)


def test_clip_never_splits_a_long_link() -> None:
    # A tracking URL can be longer than 300 characters; it is still one link.
    link = "<https://example.com/track?u=" + "a" * 400 + "|the report>"
    text = "see " + link + " now"
    result = clip(text, 200)
    assert len(result) <= 200
    assert "<" not in result, result[-40:]


def test_escape() -> None:
    assert escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"
    assert escape("&lt;") == "&amp;lt;"
    assert escape("<@U123>") == "&lt;@U123&gt;"
    assert escape("plain") == "plain"


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_escape_round_trips_and_leaves_no_markup(text: str) -> None:
    escaped = escape(text)
    assert "<" not in escaped and ">" not in escaped
    unescaped = escaped.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert unescaped == text


def test_quote() -> None:
    assert quote("one") == "> one"
    assert quote("one\ntwo") == "> one\n> two"
    assert quote("one\n\nthree") == "> one\n>\n> three"
    assert quote("") == ">"


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_quote_quotes_every_line(text: str) -> None:
    lines = quote(text).split("\n")
    assert all(line.startswith(">") for line in lines)
    assert len(lines) == max(1, len(text.splitlines()))


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        ([], ""),
        (["U1"], "<@U1>"),
        (["U1", "U2"], "<@U1> and <@U2>"),
        (["U1", "U2", "U3"], "<@U1>, <@U2> and <@U3>"),
    ],
)
def test_join_names(ids: list[str], expected: str) -> None:
    assert join_names(ids) == expected
