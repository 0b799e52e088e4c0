"""The practice catalogue: complete, consistent, and every user's word for a practice resolves."""

from __future__ import annotations

import pytest

from bot import catalogue

EXPECTED_PRACTICES = ("model", "vision", "challenge", "enable", "heart")
ALL_PROMPTS = [
    (p, c, prompt) for p in catalogue.PRACTICES for c in p.commitments for prompt in c.prompts
]


def test_all_five_practices_in_order() -> None:
    assert tuple(p.key for p in catalogue.PRACTICES) == EXPECTED_PRACTICES
    assert catalogue.PRACTICE_KEYS == EXPECTED_PRACTICES
    names = {p.key: p.name for p in catalogue.PRACTICES}
    assert names == {
        "model": "Model the Way",
        "vision": "Inspire a Shared Vision",
        "challenge": "Challenge the Process",
        "enable": "Enable Others to Act",
        "heart": "Encourage the Heart",
    }


@pytest.mark.parametrize("practice", catalogue.PRACTICES, ids=lambda p: p.key)
def test_practice_is_complete(practice: catalogue.Practice) -> None:
    assert catalogue.practice(practice.key) is practice
    assert practice.name and practice.summary
    assert practice.emoji.startswith(":") and practice.emoji.endswith(":")
    assert len(practice.commitments) == 2
    assert len({c.key for c in practice.commitments}) == 2
    for commitment in practice.commitments:
        assert commitment.name and commitment.summary
        assert len(commitment.prompts) >= 3
        assert practice.commitment(commitment.key) is commitment
        for prompt in commitment.prompts:
            assert prompt.text.strip()
            assert prompt.key.startswith(f"{practice.key}.{commitment.key}.")
    assert practice.prompts == tuple(p for c in practice.commitments for p in c.prompts)


def test_unknown_practice_and_commitment_raise() -> None:
    with pytest.raises(KeyError):
        catalogue.practice("heartbreak")
    with pytest.raises(StopIteration):
        catalogue.practice("heart").commitment("nope")


@pytest.mark.parametrize("entry", ALL_PROMPTS, ids=lambda e: e[2].key)
def test_every_prompt_kind_is_a_response_kind(entry: tuple) -> None:
    _, _, prompt = entry
    assert prompt.kind in catalogue.RESPONSE_KINDS


def test_prompt_keys_are_unique() -> None:
    keys = [prompt.key for _, _, prompt in ALL_PROMPTS]
    assert len(keys) == len(set(keys)) == 30


def test_prompt_keys_and_texts_fit_slack_fields() -> None:
    # The key is a button value (<= 2000) and a DB column (String(64)).
    for _, _, prompt in ALL_PROMPTS:
        assert len(prompt.key) <= 64
        assert len(prompt.text) <= 2900


@pytest.mark.parametrize("entry", ALL_PROMPTS, ids=lambda e: e[2].key)
def test_find_prompt_round_trips(entry: tuple) -> None:
    practice, commitment, prompt = entry
    assert catalogue.find_prompt(prompt.key) == (practice, commitment, prompt)


@pytest.mark.parametrize(
    "key", ["", "heart", "heart.recognise", "heart.recognise.9", "HEART.RECOGNISE.1"]
)
def test_find_prompt_unknown_is_none(key: str) -> None:
    assert catalogue.find_prompt(key) is None


@pytest.mark.parametrize(
    ("word", "key"),
    [
        ("heart", "heart"),
        ("#heart", "heart"),
        ("HEART", "heart"),
        ("#Encourage-the-Heart", "heart"),
        ("encourage the heart", "heart"),
        ("encouragetheheart", "heart"),
        ("Encourage_the_Heart", "heart"),
        ("  celebrate  ", "heart"),
        ("recognition", "heart"),
        ("Inspire", "vision"),
        ("Inspire a Shared Vision", "vision"),
        ("shared-vision", "vision"),
        ("vision", "vision"),
        ("mtw", "model"),
        ("Model the Way", "model"),
        ("lead-by-example", "model"),
        ("model", "model"),
        ("Challenge the Process", "challenge"),
        ("process", "challenge"),
        ("#challenge", "challenge"),
        ("Enable Others to Act", "enable"),
        ("empower", "enable"),
        ("enable-others", "enable"),
    ],
)
def test_aliases_resolve(word: str, key: str) -> None:
    found = catalogue.find_practice(word)
    assert found is not None, word
    assert found.key == key


@pytest.mark.parametrize("practice", catalogue.PRACTICES, ids=lambda p: p.key)
def test_every_declared_alias_and_name_resolves(practice: catalogue.Practice) -> None:
    for word in (practice.key, practice.name, *practice.aliases, f"#{practice.key}"):
        found = catalogue.find_practice(word)
        assert found is practice, word


@pytest.mark.parametrize(
    "word",
    ["", " ", "#", "##", "nonsense", "heartbeat", "the heart", "visions", "model way x", "-"],
)
def test_nonsense_does_not_resolve(word: str) -> None:
    assert catalogue.find_practice(word) is None


def test_aliases_do_not_collide() -> None:
    seen: dict[str, str] = {}
    for p in catalogue.PRACTICES:
        for alias in (p.key, *p.aliases):
            norm = alias.replace("-", "")
            assert seen.setdefault(norm, p.key) == p.key, f"{alias} is claimed twice"


def test_kind_home_covers_every_kind_with_real_commitments() -> None:
    assert set(catalogue.KIND_HOME) == set(catalogue.RESPONSE_KINDS)
    for kind, (practice_key, commitment_key) in catalogue.KIND_HOME.items():
        practice = catalogue.practice(practice_key)
        assert commitment_key in {c.key for c in practice.commitments}, kind


def test_kudos_home_matches_the_heart_tag() -> None:
    # An untagged kudos (given as heart) counts where KIND_HOME says kudos live.
    heart = catalogue.practice("heart")
    assert catalogue.KIND_HOME["kudos"] == ("heart", heart.tag_commitment)


@pytest.mark.parametrize("practice", catalogue.PRACTICES, ids=lambda p: p.key)
def test_tag_commitment_is_a_real_commitment(practice: catalogue.Practice) -> None:
    assert practice.tag_commitment in {c.key for c in practice.commitments}
    assert practice.commitment(practice.tag_commitment).key == practice.tag_commitment
