"""A coordinator on a 360 px phone, in French, pushes 2024 to a (fake) DHIS2 three times and
reads each answer on the push page: success with DHIS2's counts; refused values with the
conflicts DHIS2 listed (nothing sent); the server unreachable (nothing sent). The figures are
monitoring's live ones from known records; the page stays under 150 KB."""

from __future__ import annotations

from typing import Any

from egide.accounts import roles
from egide.dhis2 import services
from egide.dhis2.models import ElementMapping, OrgUnitMapping, PeriodMapping, Push
from egide.dhis2.tests.fake_dhis2 import FakeDhis2
from egide.jobs.services import job_run
from egide.monitoring.tests.records import build
from tests.e2e.conftest import login, nav, screenshot
from tests.personas import make_organisation, make_user

LIMIT = 150 * 1024
KNOWN = {"dErEaChEd01", "dEvIcTiMs01"}
OU = {"": "oUGuinea001", "GN-L": "oULabe00001", "GN-K": "oUKankan001", "GN-C": "oUConakry01"}


def _world(fake: FakeDhis2) -> None:
    org = make_organisation("Programme S&E (fictif)", ["GN-L", "GN-K", "GN-C"], type="un")
    made: dict[str, Any] = {}

    def persona(role: str) -> Any:
        if role not in made:
            made[role] = make_user(f"e2e_{role}", role, org, ["GN-L"])
        return made[role]

    build(persona)  # II.6's total is "<5": withheld, never sent; III.2's is sent
    admin = persona(roles.ADMINISTRATOR)
    make_user(
        "aissata.barry", roles.COORDINATOR, org, ["GN-L"], first_name="Aïssata", last_name="Barry"
    )
    services.connection_save(
        actor=admin, url=fake.url, username=fake.username, password=fake.password, timeout_seconds=5
    )
    services.mapping_save(
        actor=admin, mapping=PeriodMapping(period_type="yearly", dhis2_format="yyyy")
    )
    for area, uid in OU.items():
        services.mapping_save(actor=admin, mapping=OrgUnitMapping(area=area, org_unit=uid))
    for code, cell, de in [("III.2", "", "dErEaChEd01"), ("II.6", "", "dEvIcTiMs01")]:
        services.mapping_save(
            actor=admin,
            mapping=ElementMapping(indicator=code, disaggregation=cell, data_element=de),
        )


def _push_and_run(page: Any) -> Push:
    page.locator("#id_push-period").fill("2024")
    page.get_by_role("button", name="Pousser vers DHIS2").click()
    push = Push.objects.latest("pk")
    assert push.job_id is not None
    job_run(job_id=push.job_id)
    page.reload()
    return push


def test_coordinator_reads_success_conflict_and_failure(
    live_server: Any, browser: Any, e2e_data: None
) -> None:
    with FakeDhis2(data_elements=KNOWN, org_units=set(OU.values())) as fake:
        _world(fake)
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
        page = context.new_page()
        page.set_default_timeout(15_000)
        base = live_server.url
        login(page, base, "aissata.barry")
        nav(page, "Liaison DHIS2")
        assert "ni envoyé à DHIS2" in page.content()

        _push_and_run(page)
        status = page.locator(".push-status")
        assert status.inner_text() == "Envoyé : DHIS2 a pris chaque valeur"
        summary = page.locator("dl.summary").first.inner_text()
        assert "Importées" in summary and "Conflits" in summary
        sent = len(fake.stored)
        assert sent > 0
        size = len(page.content().encode())
        assert size < LIMIT, size
        screenshot(page, "dhis2-push-sent")

        ElementMapping.objects.filter(indicator="III.2").update(data_element="uNkNoWn0001")
        page.goto(f"{base}/dhis2/")
        _push_and_run(page)
        assert status.inner_text() == "Non envoyé : DHIS2 a refusé des valeurs"
        conflicts = page.get_by_role("table", name="Conflits signalés par DHIS2")
        assert "uNkNoWn0001" in conflicts.inner_text() and "E7610" in conflicts.inner_text()
        assert "rien n’a été envoyé" in page.get_by_role("alert").inner_text()
        assert len(fake.stored) == sent
        screenshot(page, "dhis2-push-refused")

        ElementMapping.objects.filter(indicator="III.2").update(data_element="dErEaChEd01")
        fake.mode = "drop"
        page.goto(f"{base}/dhis2/")
        _push_and_run(page)
        assert status.inner_text() == "Non envoyé : échec"
        assert "DHIS2 n’a pas pu être joint" in page.get_by_role("alert").inner_text()
        screenshot(page, "dhis2-push-failed", full_page=True)

        page.goto(f"{base}/dhis2/")
        rows = page.locator("table").first.inner_text()
        assert rows.count("2024") == 3
        assert Push.objects.filter(status=Push.Status.SENT).count() == 1
        context.close()
