"""Partner datasets: bad files refused whole with reasons; the round trip of Égide's own export."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from egide.accounts import roles
from egide.sharing import partner
from egide.sharing.ctdc import V2024_COLUMNS
from egide.sharing.models import PartnerDataset, PartnerRecord
from egide.sharing.services import (
    compare_counts,
    egide_ctdc_records,
    export_to_text,
    partner_ctdc_records,
    partner_import,
)

HEADER = ",".join(V2024_COLUMNS)


def _row(**values: str) -> str:
    row = dict.fromkeys(V2024_COLUMNS, "")
    row.update(
        yearOfRegistration="2021",
        gender="Woman",
        ageBroad="9--17",
        citizenship="GIN",
        CountryOfExploitation="SEN",
        isForcedLabour="1",
    )
    row.update(values)
    return ",".join(row[c] for c in V2024_COLUMNS)


def _file(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def _import(analyst: Any, content: bytes, name: str = "Partenaire (fictif)") -> Any:
    return partner_import(
        actor=analyst, name=name, source="test", stream=io.BytesIO(content), size=len(content)
    )


@pytest.mark.django_db
def test_valid_file_is_imported(analyst: Any) -> None:
    result = _import(analyst, _file(HEADER, _row(), _row(gender="Man", isSexualExploit="1")))
    assert result.dataset is not None and result.dataset.record_count == 2
    record = PartnerRecord.objects.filter(dataset=result.dataset).first()
    assert record is not None and record.citizenship == "GIN"
    assert "isForcedLabour" in partner.flags_from_bits(record.flags)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lines", "column", "reason"),
    [
        ([_row(citizenship="GUI")], "citizenship", partner.R_COUNTRY),
        ([_row(CountryOfExploitation="XX")], "CountryOfExploitation", partner.R_COUNTRY),
        ([_row(isForcedLabour="0")], "isForcedLabour", partner.R_FLAG),
        ([_row(meansThreats="yes")], "meansThreats", partner.R_FLAG),
        ([_row(gender="F")], "gender", partner.R_GENDER),
        ([_row(ageBroad="16")], "ageBroad", partner.R_AGE),
        ([_row(yearOfRegistration="21")], "yearOfRegistration", partner.R_YEAR),
        (["2021,Woman"], "", partner.R_COLUMNS),
    ],
)
def test_bad_row_is_reported_and_nothing_imported(
    analyst: Any, lines: list[str], column: str, reason: str
) -> None:
    result = _import(analyst, _file(HEADER, _row(), *lines, _row()))
    assert result.dataset is None
    assert result.report.rejected_rows == 1 and result.report.valid == 2
    rejection = result.report.reasons[0]
    assert (rejection.line, rejection.column, rejection.reason) == (3, column, reason)
    assert not PartnerDataset.objects.exists() and not PartnerRecord.objects.exists()


@pytest.mark.django_db
def test_wrong_header_is_refused(analyst: Any) -> None:
    header = HEADER.replace("sectorOfLabourAgriculture", "typeOfLabourAgriculture")
    with pytest.raises(partner.PartnerFileError) as error:
        _import(analyst, _file(header, _row()))
    assert error.value.code == partner.BAD_HEADER
    assert not PartnerDataset.objects.exists()


@pytest.mark.django_db
def test_invalid_utf8_is_refused(analyst: Any) -> None:
    content = _file(HEADER, _row()) + b"2021,Woman,9--17,GIN,\xff\xfe" + b"\n"
    with pytest.raises(partner.PartnerFileError) as error:
        _import(analyst, content)
    assert error.value.code == partner.NOT_UTF8
    assert not PartnerDataset.objects.exists()


class _Huge(io.RawIOBase):
    """A 300 MB file that records how much of it was read."""

    size = 300 * 1024 * 1024

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = len(buffer)
        buffer[:n] = b"1" * n
        self.read_bytes += n
        return n


@pytest.mark.django_db
def test_300_mb_file_is_refused_before_reading(analyst: Any) -> None:
    huge = _Huge()
    with pytest.raises(partner.PartnerFileError) as error:
        partner_import(actor=analyst, name="Énorme", source="test", stream=huge, size=huge.size)  # type: ignore[arg-type]
    assert error.value.code == partner.TOO_BIG
    assert huge.read_bytes == 0
    assert not PartnerDataset.objects.exists()


def test_stream_of_unknown_size_stops_at_the_limit() -> None:
    huge = _Huge()
    with pytest.raises(partner.PartnerFileError):
        partner.validate(huge, None, limit=1024 * 1024)  # type: ignore[arg-type]
    assert huge.read_bytes <= 1024 * 1024 + 64 * 1024


@pytest.mark.django_db
def test_page_shows_the_rejected_rows(persona: Any) -> None:
    from tests.personas import login_verified

    client = login_verified(Client(), persona(roles.ANALYST))
    upload = SimpleUploadedFile("p.csv", _file(HEADER, _row(citizenship="ZZZ")), "text/csv")
    response = client.post(
        reverse("sharing:import"), {"name": "P", "source": "test", "file": upload}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="import-report"' in page and "ZZZ" in page
    assert not PartnerDataset.objects.exists()


@pytest.mark.django_db
def test_reimporting_egide_export_reproduces_its_aggregates(make_case: Any, analyst: Any) -> None:
    for _i in range(4):
        make_case(sex="female", birth_year=2008, indicators=("purpose.forced_labour",))
    for _i in range(4):
        make_case(sex="male", birth_year=1990, indicators=("purpose.sexual_exploitation",))
    for _i in range(4):
        make_case(
            sex="female",
            birth_year=1990,
            nationality="ML",
            indicators=("purpose.forced_marriage", "purpose.forced_labour"),
        )
    text, report = export_to_text(actor=analyst, fmt="v2024", k=4)
    assert report.records_suppressed == 0 and not report.generalisations
    result = _import(analyst, text.encode("utf-8"), name="Égide (aller-retour)")
    assert result.dataset is not None and result.dataset.record_count == 12
    for rows, column, citizenship in [
        ("exploitation", "gender", "GIN"),
        ("exploitation", "gender", ""),
        ("age", "exploitation", ""),
        ("year", "age", "MLI"),
    ]:
        own = compare_counts(egide_ctdc_records(), rows, column, citizenship)
        theirs = compare_counts(partner_ctdc_records(result.dataset), rows, column, citizenship)
        assert own == theirs, (rows, column, citizenship)


@pytest.mark.django_db
def test_generalised_export_can_be_reimported(make_case: Any, analyst: Any) -> None:
    for year in (2021, 2022, 2023):
        for _i in range(4):
            make_case(year=year)
    text, report = export_to_text(actor=analyst, fmt="v2024", k=11)
    assert report.generalisations  # years grouped into a period
    result = _import(analyst, text.encode("utf-8"), name="Égide généralisé")
    assert result.dataset is not None
    assert result.dataset.record_count == report.records_out


@pytest.mark.django_db
def test_comparison_page_shows_both_tables(make_case: Any, persona: Any, analyst: Any) -> None:
    from tests.personas import login_verified

    for _i in range(6):
        make_case()
    result = _import(analyst, _file(HEADER, *[_row() for _i in range(7)]))
    client = login_verified(Client(), persona(roles.COORDINATOR))
    response = client.get(
        reverse("sharing:dataset", args=[result.dataset.pk]),
        {"rows": "exploitation", "column": "gender", "guinean_only": "on"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="compare-1"' in page and 'data-testid="compare-2"' in page
    assert ">6<" in page and ">7<" in page


@pytest.mark.django_db
def test_page_stops_reading_an_upload_past_the_limit(persona: Any, monkeypatch: Any) -> None:
    from egide.sharing import views
    from tests.personas import login_verified

    monkeypatch.setattr(partner, "MAX_BYTES", 1024 * 1024)
    seen: list[Any] = []
    original = views.UploadLimit.receive_data_chunk

    def watched(self: Any, raw_data: bytes, start: int) -> bytes:
        seen.append(self)
        return original(self, raw_data, start)

    monkeypatch.setattr(views.UploadLimit, "receive_data_chunk", watched)
    client = login_verified(Client(), persona(roles.ANALYST))
    big = _file(HEADER, *[_row() for _i in range(80_000)])  # about 3.8 MB
    assert len(big) > 3 * 1024 * 1024
    upload = SimpleUploadedFile("big.csv", big, "text/csv")
    response = client.post(
        reverse("sharing:import"), {"name": "Gros", "source": "test", "file": upload}
    )
    assert response.status_code == 200
    assert "1 Mo" in response.content.decode() or "1 MB" in response.content.decode()
    assert seen and seen[-1].exceeded and seen[-1].received < 1024 * 1024 + 128 * 1024
    assert not PartnerDataset.objects.exists()


def _random_records(seed: int) -> list[dict[str, Any]]:
    """Small fictitious CTDC records with many small cells (what complementary cells hide)."""
    import random

    from egide.sharing.services import _ctdc_record

    rng = random.Random(seed)
    flags = ["isForcedLabour", "isSexualExploit", "isForcedMarriage"]
    return [
        _ctdc_record(
            rng.choice(["2021", "2022", "2023"]),
            rng.choice(["Man", "Woman"]),
            rng.choice(["0--8", "9--17", "18--29", "30--38"]),
            rng.choice(["GIN", "GIN", "MLI"]),
            frozenset(rng.sample(flags, rng.choice([1, 1, 2]))),
        )
        for _i in range(rng.randint(80, 160))
    ]


@pytest.mark.parametrize("seed", range(12))
def test_every_comparison_shows_a_breakdown_with_one_state(seed: int) -> None:
    """A margin (e.g. women) shown beside two different breakdowns is the same figure with the
    same suppression in both: switching the rows from age to year gives back nothing hidden."""
    from egide.sharing.services import COMPARE_DIMENSIONS, _compare_family

    records = _random_records(seed)
    seen: dict[tuple[str, str, str], str] = {}
    for citizenship in ("", "GIN"):
        for row_dim in COMPARE_DIMENSIONS:
            for col_dim in COMPARE_DIMENSIONS:
                if row_dim == col_dim or "exploitation" in (row_dim, col_dim):
                    continue  # a line across exploitation counts mentions, not people
                table = _compare_family(records, citizenship).table(row_dim, col_dim)
                shown = [(col_dim, c, table.column_totals[c].text()) for c in table.columns]
                shown += [(row_dim, r[0], table.row_totals[r].text()) for r in table.rows]
                for dim, value, text in shown:
                    assert seen.setdefault((citizenship, dim, value), text) == text, (
                        citizenship,
                        dim,
                        value,
                        row_dim,
                        col_dim,
                    )
