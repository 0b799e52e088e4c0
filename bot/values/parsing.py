"""The team's values as people type them: `/nudge values [set <value>; <value>; ...]`, and
the `+<value>` a kudos or a win may carry. Pure; bad input raises UserError.

A `+<value>` tag names a value by its letters and digits, case and spaces aside, so
`+OwnIt`, `+own-it` and `+"Own it"` all name "Own it"; the start of one value's letters
names it too when no other value starts the same way (`+cur` for "Curiosity").
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot.errors import UserError
from bot.text import clean, clip_word

VALUES_USAGE = "/nudge values [set <value>; <value>; ...]"
SET_EXAMPLE = "/nudge values set Ownership; Curiosity; Say it straight"

MAX_VALUES = 10
MAX_VALUE_CHARS = 40
STORED_CHARS = 64  # the column a kudos or a win keeps its value in

# `+Word`, `+"a few words"` or `+“a few words”`: a bare tag starts with a letter, so `+1`
# and `+5%` stay text.
_TAG = re.compile(
    r"(?<!\S)\+(?:\"(?P<q>[^\"\n]{1,60})\"|“(?P<c>[^”\n]{1,60})”|(?P<w>[^\W\d_][\w'’-]*))"
)
_NOT_LETTERS = re.compile(r"[\W_]+")
# A `;` between values, never the one ending `&amp;` (Slack sends `&` escaped).
_SEPARATOR = re.compile(r"(?<!&amp)(?<!&lt)(?<!&gt);|\n")


def key(value: str) -> str:
    """What a value is matched and told apart by: its letters and digits, lower case."""
    return _NOT_LETTERS.sub("", html.unescape(value).lower())


def parse_values(rest: str) -> tuple[str, ...] | None:
    """None to show the values; the new list for `set <value>; <value>; ...` (also one a
    line). Empty pieces (a trailing `;`) are skipped."""
    words = clean(rest).strip().split(maxsplit=1)
    if not words:
        return None
    if words[0].lower() != "set":
        raise UserError(f"`/nudge values` doesn't take *{clip_word(words[0])}*.", VALUES_USAGE)
    body = words[1] if len(words) > 1 else ""
    values = tuple(v for v in (" ".join(p.split()) for p in _SEPARATOR.split(body)) if v)
    if not values:
        raise UserError("Write the values after `set`, separated by semicolons.", SET_EXAMPLE)
    if len(values) > MAX_VALUES:
        raise UserError(
            f"That's {len(values)} values; a team keeps at most {MAX_VALUES}, so that each "
            "one is remembered. Pick the ones that matter most.",
            VALUES_USAGE,
        )
    seen: dict[str, str] = {}
    for value in values:
        _check(value)
        earlier = seen.get(key(value))
        if earlier is not None:
            raise UserError(
                f"*{clip_word(value)}* and *{clip_word(earlier)}* are the same value "
                "to me (I compare letters, not case or spaces). Keep one of them.",
                VALUES_USAGE,
            )
        seen[key(value)] = value
    return values


def _check(value: str) -> None:
    shown = html.unescape(value)
    if "<" in value:
        raise UserError(
            f"*{clip_word(shown)}*: a value is a word or a few, without mentions or links.",
            VALUES_USAGE,
        )
    if not key(value):
        raise UserError(f"*{clip_word(shown)}* needs a letter or a digit.", VALUES_USAGE)
    if len(shown) <= MAX_VALUE_CHARS < STORED_CHARS < len(value):
        raise UserError(
            f"*{clip_word(shown)}* is too long once written for Slack (each `&`, `<` or `>` "
            "takes several characters there). Keep it shorter.",
            VALUES_USAGE,
        )
    if len(shown) > MAX_VALUE_CHARS:
        raise UserError(
            f"*{clip_word(shown)}* is {len(shown)} characters; keep each value under "
            f"{MAX_VALUE_CHARS + 1}, short enough to name in a kudos.",
            VALUES_USAGE,
        )


@dataclass(frozen=True)
class ValueTag:
    """A text with its `+<value>` tag taken off (`word`: the tag as typed, without the
    `+`; None when there was none). With several tags (`count` > 1) the text keeps them
    all: whether that is refused depends on the team having values (`resolve`)."""

    text: str
    word: str | None
    count: int = 1


def split_value_tag(text: str) -> ValueTag:
    """Take the one `+<value>` tag off `text`. At the start or the end it goes; in the
    middle of a sentence its word stays, without the `+`. Several tags stay as typed."""
    found = list(_TAG.finditer(text))
    if not found:
        return ValueTag(text, None, 0)
    if len(found) > 1:
        word = found[0].group("q") or found[0].group("c") or found[0].group("w") or ""
        return ValueTag(text, word.strip(), len(found))
    tag = found[0]
    word = (tag.group("q") or tag.group("c") or tag.group("w") or "").strip()
    before, after = text[: tag.start()], text[tag.end() :]
    if not before.strip():  # `+Curiosity: we tried` -> `we tried`
        kept = after.lstrip(" \t:,;-–—")
    elif not re.sub(r"[\W_]+", "", after):  # `for the fix +Ownership!` -> `for the fix!`
        kept = before.rstrip() + after.strip()
    else:
        kept = f"{before}{word}{after}"
    return ValueTag(kept, word)


def resolve(names: tuple[str, ...], word: str, what: str, count: int = 1) -> str | None:
    """The value `word` names, as the team wrote it; None when the team has no values (a
    `+word` is then just text, to be posted as typed). UserError, with the values, when it
    names none of them (probably a typo of one), could be more than one, or there are
    `count` > 1 tags."""
    if not names:
        return None
    if count > 1:
        raise UserError(f"Name one value in {what}, not {count}: the one it shows best.")
    asked = key(word)
    exact = [n for n in names if key(n) == asked]
    starts = [n for n in names if asked and key(n).startswith(asked)]
    if exact:
        return exact[0]
    if len(starts) == 1:
        return starts[0]
    listed = ", ".join(f"`+{_as_tag(n)}`" for n in (starts if len(starts) > 1 else names))
    if len(starts) > 1:
        raise UserError(
            f"*+{clip_word(word)}* could be more than one of our values: {listed}. "
            f"Write a little more of it; I didn't post {what}."
        )
    raise UserError(
        f"*+{clip_word(word)}* isn't one of our values, so I didn't post {what}. "
        f"Our values: {listed}. Name one of them, or leave the tag out."
    )


def _as_tag(name: str) -> str:
    """How to type a value as a tag: as it is when it is one word, else in quotes."""
    return name if _TAG.fullmatch(f"+{name}") and " " not in name else f'"{name}"'
