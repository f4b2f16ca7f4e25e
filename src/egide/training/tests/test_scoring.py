"""Scoring, gain, item analysis and eligibility: pure functions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egide.training import scoring
from egide.training.curriculum import curriculum, question_index

BANK = question_index()
M1 = [q["code"] for q in curriculum()["questions"] if q["module"] == "M1"]


def test_curriculum_has_five_modules_with_at_least_ten_questions_each() -> None:
    data = curriculum()
    assert [m["code"] for m in data["modules"]] == ["M1", "M2", "M3", "M4", "M5"]
    for mod in data["modules"]:
        questions = [q for q in data["questions"] if q["module"] == mod["code"]]
        assert len(questions) >= 10, mod["code"]
        assert mod["objectives"] and mod["sections"] and mod["sources"]
        assert all(s in data["sources"] for s in mod["sources"])
        for q in questions:
            assert q["kind"] in ("mcq", "true_false") and q["explanation"]
            assert 0 <= q["answer"] < len(q["choices"])
            if q["kind"] == "true_false":
                assert q["choices"] == ["Vrai", "Faux"]


def test_score_counts_right_answers_and_unanswered_as_wrong() -> None:
    answers = {M1[0]: BANK[M1[0]]["answer"], M1[1]: 1 - BANK[M1[1]]["answer"]}
    result = scoring.score(answers, M1, BANK)
    assert (result.correct, result.total, result.percent) == (1, 10, 10.0)


def test_score_refuses_a_question_not_in_the_test() -> None:
    with pytest.raises(scoring.AnswerError) as info:
        scoring.score({"M2-Q01": 0}, M1, BANK)
    assert info.value.code == "M2-Q01"


@pytest.mark.parametrize("choice", [-1, 3, 7, True, "0"])
def test_score_refuses_a_choice_out_of_range(choice: object) -> None:
    with pytest.raises(scoring.AnswerError):
        scoring.score({"M1-Q02": choice}, M1, BANK)  # type: ignore[dict-item]


def test_gain_and_item_analysis() -> None:
    assert scoring.gain(scoring.Score(4, 10), scoring.Score(9, 10)) == 50.0
    assert scoring.gain(None, scoring.Score(9, 10)) is None
    wrong_first = {code: BANK[code]["answer"] for code in M1}
    wrong_first[M1[0]] = (
        1 - BANK[M1[0]]["answer"]
        if BANK[M1[0]]["kind"] == "true_false"
        else ((BANK[M1[0]]["answer"] + 1) % len(BANK[M1[0]]["choices"]))
    )
    rows = scoring.item_analysis([wrong_first, wrong_first, {}], M1, BANK)
    assert rows[0] == (M1[0], 3, 3)
    assert rows[1][1] == 1


@pytest.mark.parametrize(
    ("present", "total", "post", "eligible"),
    [
        (4, 5, 70, True),
        (3, 5, 100, False),
        (5, 5, 69, False),
        (5, 5, None, False),
        (0, 0, 100, False),
    ],
)
def test_certificate_eligibility(
    present: int, total: int, post: int | None, eligible: bool
) -> None:
    score = scoring.Score(post, 100) if post is not None else None
    assert scoring.eligible_for_certificate(present, total, score) is eligible


@given(st.dictionaries(st.sampled_from(M1), st.integers(min_value=0, max_value=1)))
def test_property_score_is_between_zero_and_total(answers: dict[str, int]) -> None:
    result = scoring.score(answers, M1, BANK)
    assert 0 <= result.correct <= result.total == len(M1)
