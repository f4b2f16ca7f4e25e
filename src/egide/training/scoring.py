"""Test scoring, knowledge gain, item analysis and certificate eligibility. Pure Python."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from egide.core.numbers import whole_number

UNKNOWN_QUESTION = "Question {code} is not part of this test."
BAD_CHOICE = "The answer to {code} must be one of the offered choices."


class AnswerError(ValueError):
    """An answer names a question not in the test, or a choice that does not exist."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Score:
    correct: int
    total: int

    @property
    def percent(self) -> float:
        return round(100 * self.correct / self.total, 1) if self.total else 0.0


def score(
    answers: Mapping[str, int], question_codes: list[str], bank: Mapping[str, Mapping[str, object]]
) -> Score:
    """Score *answers* (question code → choice index) against the test's questions.

    Raises AnswerError for a question not in the test or a choice out of range; unanswered
    questions count as wrong.
    """
    in_test = set(question_codes)
    for code, choice in answers.items():
        if code not in in_test:
            raise AnswerError(code, UNKNOWN_QUESTION.format(code=code))
        choices = bank[code]["choices"]
        if (
            not isinstance(choice, int)
            or isinstance(choice, bool)
            or not (
                0 <= choice < len(choices)  # type: ignore[arg-type]
            )
        ):
            raise AnswerError(code, BAD_CHOICE.format(code=code))
    correct = sum(1 for code in question_codes if answers.get(code) == bank[code]["answer"])
    return Score(correct, len(question_codes))


def gain(pre: Score | None, post: Score | None) -> float | None:
    """Knowledge gain in percentage points (post − pre), or None when a test is missing."""
    if pre is None or post is None:
        return None
    return round(post.percent - pre.percent, 1)


def item_analysis(
    attempts: Iterable[Mapping[str, int]],
    question_codes: list[str],
    bank: Mapping[str, Mapping[str, object]],
) -> list[tuple[str, int, int]]:
    """(question code, wrong answers, attempts) for each question, most often wrong first."""
    wrong = dict.fromkeys(question_codes, 0)
    count = 0
    for answers in attempts:
        count += 1
        for code in question_codes:
            if answers.get(code) != bank[code]["answer"]:
                wrong[code] += 1
    return sorted(((c, w, count) for c, w in wrong.items()), key=lambda row: (-row[1], row[0]))


def eligible_for_certificate(
    days_present: int,
    days_total: int,
    post: Score | None,
    attendance_min: float = 0.8,
    pass_percent: float = 70.0,
) -> bool:
    """Attended at least 80 % of the days and passed the post-test (thresholds configurable)."""
    if days_total <= 0 or post is None:
        return False
    return days_present / days_total >= attendance_min and post.percent >= pass_percent


@dataclass(frozen=True)
class Shortfall:
    """Why a certificate is not due: *what* ("attendance", "post_test", "no_post_test") with
    the value reached and the threshold, in percent."""

    what: str
    reached: float = 0.0
    required: float = 0.0


def certificate_shortfalls(
    days_present: int,
    days_total: int,
    post: Score | None,
    attendance_min: float = 0.8,
    pass_percent: float = 70.0,
) -> list[Shortfall]:
    """Every rule of :func:`eligible_for_certificate` that is not met (empty: eligible)."""
    found = []
    share = 100 * days_present / days_total if days_total > 0 else 0.0
    if days_total <= 0 or days_present / days_total < attendance_min:
        found.append(Shortfall("attendance", round(share, 1), round(100 * attendance_min, 1)))
    if post is None:
        found.append(Shortfall("no_post_test", 0.0, pass_percent))
    elif post.percent < pass_percent:
        found.append(Shortfall("post_test", post.percent, pass_percent))
    return found


LETTERS = "ABCDEFGH"


def choice_from_letter(text: str) -> int | None:
    """A paper answer typed as a letter (A, b…) or a number from 1: the choice index; None for
    a blank; -1 for anything else (refused by :func:`score`)."""
    value = text.strip().upper()
    if not value:
        return None
    if value in LETTERS:
        return LETTERS.index(value)
    number = whole_number(value)
    if number is not None and number >= 1:
        return number - 1
    return -1
