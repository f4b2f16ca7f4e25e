"""A trainer types a 20-person paper post-test on a 360 px phone, by grid and by score; the
results table and each participant's own page say who gets a certificate, and why not."""

from __future__ import annotations

from datetime import date
from typing import Any

from egide.accounts import roles
from egide.training import services
from egide.training.curriculum import question_index
from egide.training.models import KnowledgeTest, TestAttempt
from tests.e2e.conftest import login, nav, page_width, screenshot
from tests.personas import make_organisation, make_user

FIRST = [
    "Aminata",
    "Mamadou",
    "Fatoumata",
    "Ibrahima",
    "Kadiatou",
    "Sékou",
    "Mariama",
    "Alpha",
    "Hawa",
    "Boubacar",
]
LAST = ["Diallo", "Camara", "Bah"]


def _workshop(trainer: Any) -> Any:
    session = services.session_create(
        actor=trainer,
        kind="workshop",
        title="Atelier papier de Labé (fictif)",
        modules=["M1", "M2", "M3", "M4", "M5"],
        start_date=date(2026, 7, 19),
        end_date=date(2026, 7, 20),
    )
    for i in range(20):
        services.participant_register(
            actor=trainer,
            session=session,
            full_name=f"{FIRST[i % 10]} {LAST[i // 10]} (fictif {i + 1:02d})",
            sex="female" if i % 2 else "male",
            age_band="25_59",
            actor_type="cso",
            phone=f"+224 620 00 {i:02d} {i:02d}",
            is_fictitious=True,
        )
    ids = set(session.enrollments.values_list("pk", flat=True))
    for day in session.days:
        services.attendance_record(actor=trainer, session=session, day=day, present_ids=ids)
    pre, _post = services.tests_prepare(actor=trainer, session=session)
    services.test_set_open(actor=trainer, test=pre, is_open=False)  # the pre-test is over
    return session


def test_trainer_types_a_20_person_paper_post_test_by_grid_and_by_score(
    live_server: Any, browser: Any, e2e_data: None
) -> None:
    base = live_server.url
    org = make_organisation("Direction régionale de Labé (fictive)", ["GN-L"], type="public")
    trainer = make_user(
        "kadiatou.sylla", roles.TRAINER, org, ["GN-L"], first_name="Kadiatou", last_name="Sylla"
    )
    session = _workshop(trainer)
    post = KnowledgeTest.objects.get(session=session, kind="post")
    bank = question_index()
    letters = "ABCDEFGH"
    right = [letters[bank[c]["answer"]] for c in post.question_codes]
    wrong = [
        letters[(bank[c]["answer"] + 1) % len(bank[c]["choices"])] for c in post.question_codes
    ]
    n = len(right)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, base, "kadiatou.sylla")
    nav(page, "Formation")
    page.get_by_role("link", name=session.title).click()
    screenshot(page, "paper-session-top-360")

    # Grid: the first ten papers (sorted by name); two rows typed with the keyboard along the
    # row (a letter, Tab, the next question), the others filled cell by cell.
    page.get_by_role("link", name="Post-test : saisir toutes les copies (grille)").click()
    assert page_width(page) <= 360
    rows = page.locator("table.grid tbody tr")
    assert rows.count() == 20
    for index in range(10):
        row = rows.nth(index)
        answers = right if index % 2 == 0 else wrong  # even rows all right, odd all wrong
        cells = row.locator("input")
        if index < 2:
            cells.first.focus()
            for letter in answers:
                page.keyboard.type(letter.lower())
                page.keyboard.press("Tab")
        else:
            for cell, letter in zip(cells.all(), answers, strict=True):
                cell.fill(letter)
    screenshot(page, "paper-grid-360")
    page.get_by_role("button", name="Enregistrer toutes les lignes").click()
    assert page.url.endswith("#results")
    status = page.locator("#results-messages")
    assert "10 copie(s) enregistrée(s)" in status.inner_text()
    assert status.is_visible()  # in sight after the jump to the section, not at the top
    screenshot(page, "paper-grid-saved-360")
    assert TestAttempt.objects.filter(test=post).count() == 10
    assert TestAttempt.objects.filter(test=post, correct=n).count() == 5

    # Scores only: the other ten papers, 34/50 style (68 %) for one of them.
    page.get_by_role("link", name="Post-test : saisir seulement les scores").click()
    inputs = page.locator("input.score")
    assert inputs.count() == 10
    low = round(n * 0.68)
    for index in range(10):
        inputs.nth(index).fill(str(low if index == 0 else n))
    screenshot(page, "paper-scores-360")
    page.get_by_role("button", name="Enregistrer les scores").click()
    assert "10 score(s) enregistré(s)" in page.locator("#results-messages").inner_text()
    assert TestAttempt.objects.filter(test=post).count() == 20

    # What the trainer sees: per person, the post-test and the certificate or why not.
    cards = page.get_by_test_id("result-row")
    texts = [cards.nth(i).inner_text() for i in range(cards.count())]
    percent = f"{round(100 * low / n, 1):.1f}".replace(".", ",")
    short = [t for t in texts if f"{percent} %" in t]
    assert short, texts
    pass_mark = "70"
    assert f"post-test {percent.rstrip('0').rstrip(',')} % < {pass_mark} %" in short[0]
    assert sum("Certificat (PDF)" in t for t in texts) == 5 + 9
    first_right = next(t for t in texts if "100,0 %" in t)
    assert "à délivrer" in first_right
    page.locator("[data-testid=result-row]", has_text=f"{percent} %").scroll_into_view_if_needed()
    screenshot(page, "paper-results-360")

    # The participant's link: to copy, as a QR code, by SMS.
    page.locator("[data-testid=result-row]", has_text=f"{percent} %").get_by_role(
        "link", name="Lien du test, QR, SMS"
    ).click()
    url = page.get_by_test_id("participant-url").input_value()
    assert url.startswith(base + "/training/test/")
    assert page.locator(".qr svg").count() == 1
    sms = page.get_by_test_id("sms-link").get_attribute("href") or ""
    assert sms.startswith("sms:+224620") and "%2Ftraining%2Ftest%2F" in sms
    screenshot(page, "paper-link-360", full_page=True)

    # What that participant sees on their own phone: the score and why no certificate.
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    mine = phone.new_page()
    mine.goto(url)
    own = mine.get_by_test_id("own-results").inner_text()
    assert f"{percent} %" in own and "pas encore : post-test" in own and "< 70 %" in own
    screenshot(mine, "paper-participant-360", full_page=True)
    phone.close()
    context.close()
