# ruff: noqa: S608, E501 - benchmark SQL built from constants and integers only; long SQL lines
"""Monitoring dashboard latency (p50/p95, cold and warm) with N fictitious cases and proportional
alerts, screenings, needs, referrals, consents, training participants and dialogues, against
the same figures computed by hand-written SQL (printed as a ratio).

PostgreSQL only; the script migrates the database, empties the tables it fills, and seeds them
with INSERT … SELECT FROM generate_series (no ORM loop):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egide_monitoring \\
      DJANGO_SETTINGS_MODULE=egide.settings.test EGIDE_BASE_DIR=$PWD \\
      .venv/bin/python benchmarks/bench_dashboard.py 1000000 [--runs 20] [--no-seed]

Per N cases: N alerts (one per case), N screenings, N needs and N referrals, N/2 consents,
N/100 training participants (2 enrolments of 2 days each), N/1000 sessions, N/20 dialogues,
N/500 ambassadors; dates spread over 2022–2025, regions round-robin.

The dashboards read a summary (``egide.monitoring.facts``: every indicator per month, quarter
and year), which the seeding (raw SQL, no signals) leaves unbuilt: the script builds it in full
and prints the time, then the time of an incremental refresh of one changed month (what the
every-minute job and a dashboard read after a change do).

"Cold": the 30-second cache is empty but the summary is refreshed, as on a live server where the
job runs every minute (PostgreSQL's own buffers are warm). "Warm": served from the 30-second
cache. "Read after a change": one month marked changed just before, recomputed by the read.
"Live": the summary unused, every indicator counted from the records (the path before the
summary; the reference the tests compare it with), --live-runs times.
Target (DESIGN §4, issue #12): full dashboard p95 < 500 ms at 1,000,000 cases on 2 cores, and
no more than 2× the hand-written SQL (which reads the records' tables).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egide.settings.test")

PERIOD = "2024"
TABLES = [
    "referrals_referral",
    "cases_need",
    "cases_consent",
    "screening_assessment",
    "cases_alert",
    "cases_casemember",
    "cases_case",
    "training_attendance",
    "training_enrollment",
    "training_participant",
    "training_trainingsession",
    "outreach_dialogue_alerts",
    "outreach_dialogue",
    "outreach_ambassador",
]
DAY0 = "'2022-01-01 08:00:00+00'::timestamptz"


def seed(n: int) -> None:
    from django.db import connection

    from egide.accounts.models import Organisation, Role
    from egide.accounts.roles import load_roles
    from egide.core.reference import ensure_reference_data
    from egide.directory.models import Service
    from tests.personas import make_user

    ensure_reference_data()
    load_roles(Role)
    org, _ = Organisation.objects.get_or_create(
        name="ONG banc d'essai (fictive)", defaults={"type": "ngo", "is_fictitious": True}
    )
    from egide.accounts.models import User

    user = User.objects.filter(username="bench_worker").first() or make_user(
        "bench_worker", "case_worker", org, ["GN-L"]
    )
    service = Service.objects.filter(provider=org).first() or Service.objects.create(
        provider=org, need_type="shelter", name="Abri (banc d'essai)"
    )
    started = time.perf_counter()
    u, o, s = user.pk, org.pk, service.pk
    with connection.cursor() as c:
        c.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        c.execute("SELECT array_agg(id ORDER BY id) FROM core_region")
        regions = c.fetchone()[0]
        c.execute("SELECT array_agg(id ORDER BY id) FROM core_prefecture")
        prefectures = c.fetchone()[0]
        r = f"(ARRAY{regions}::bigint[])[1 + (g % {len(regions)})]"
        steps = [
            (
                "cases",
                f"""INSERT INTO cases_case (code, status, opened_at, child, sex, first_name,
                last_name, aliases, birth_date, languages, phone, guardian, flags, closure_reason,
                closure_note, owner_id, owner_organisation_id, region_id, review_pending,
                birth_year, closed_at)
                SELECT 'B' || g, CASE WHEN g % 5 = 0 THEN 'closed' ELSE 'open' END,
                  {DAY0} + (g % 1461) * interval '1 day' + (g % 600) * interval '1 minute',
                  g % 3 = 0, (ARRAY['female','male','female','male','unknown'])[1 + g % 5],
                  '', '', '', '', '', '', '', '[]'::jsonb,
                  CASE WHEN g % 5 = 0 THEN (ARRAY['goals_met','transferred','withdrew',
                    'unreachable','other'])[1 + (g / 5) % 5] ELSE '' END,
                  '', {u}, {o}, {r}, false,
                  CASE WHEN g % 11 = 0 THEN NULL ELSE 1950 + g % 60 END,
                  CASE WHEN g % 5 = 0 THEN {DAY0} + (g % 1461 + 40) * interval '1 day' END
                FROM generate_series(1, {n}) g""",
            ),
            (
                "alerts",
                f"""INSERT INTO cases_alert (created_at, locality, border_point, seen_on,
                person_description, what_was_seen, urgency, due_at, status, triage_reason,
                created_by_id, region_id, case_id, triaged_at)
                SELECT c.opened_at - interval '2 days', '', '', (c.opened_at - interval '3 days')::date,
                  '', '', 'urgent', c.opened_at - interval '1 day',
                  CASE WHEN c.id % 7 = 0 THEN 'new' ELSE 'case_opened' END, '', {u},
                  c.region_id, c.id,
                  CASE WHEN c.id % 7 = 0 THEN NULL
                       ELSE c.opened_at - interval '2 days' + (c.id % 3) * interval '20 hours' END
                FROM cases_case c""",
            ),
            (
                "screenings",
                f"""INSERT INTO screening_assessment (created_at, rule_set, catalogue_version,
                person_reference, input_json, result_json, interview_json, trafficking_level,
                smuggling_level, gbv_level, child, urgent, worker_level, worker_justification,
                created_by_id, organisation_id, region_id, case_id)
                SELECT c.opened_at, '1.0', '1.0', '', '{{}}', '{{}}', '',
                  (ARRAY['presumed','possible','none'])[1 + c.id % 3], 'none', 'none', c.child,
                  false, CASE WHEN c.id % 13 = 0 THEN 'presumed' ELSE '' END, '', {u}, {o},
                  c.region_id, c.id
                FROM cases_case c""",
            ),
            (
                "needs",
                """INSERT INTO cases_need (need_type, priority, action, responsible, status,
                created_at, case_id)
                SELECT (ARRAY['shelter','medical','psychosocial','legal_aid','documents',
                  'return'])[1 + c.id % 6], 'high', '', '', 'open', c.opened_at, c.id
                FROM cases_case c""",
            ),
            (
                "referrals",
                f"""INSERT INTO referrals_referral (created_at, urgency, due_at, status,
                cross_border, consent_override_reason, shared_json, answer_reason, case_id,
                created_by_id, need_id, provider_id, service_id, answered_at, delivered_at)
                SELECT n.created_at + interval '1 day', 'urgent', n.created_at + interval '3 days',
                  CASE WHEN n.id % 3 = 0 THEN 'delivered' WHEN n.id % 5 = 0 THEN 'sent'
                       WHEN n.id % 17 = 0 THEN 'cancelled' ELSE 'accepted' END,
                  false, '', '{{}}', '', n.case_id, {u}, n.id, {o}, {s},
                  CASE WHEN n.id % 5 = 0 THEN NULL
                       ELSE n.created_at + interval '1 day' + (n.id % 4) * interval '1 day' END,
                  CASE WHEN n.id % 3 = 0 THEN n.created_at + (5 + n.id % 20) * interval '1 day' END
                FROM cases_need n""",
            ),
            (
                "consents",
                f"""INSERT INTO cases_consent (purpose, service_types, decision, given_by,
                language, decided_on, note, recorded_at, case_id, explained_by_id, withdrawn_at)
                SELECT (ARRAY['data_collection','sharing','statistics'])[1 + c.id % 3], '[]'::jsonb,
                  'granted', 'person', 'fr', c.opened_at::date, '', c.opened_at, c.id, {u},
                  CASE WHEN c.id % 10 = 0 THEN c.opened_at + interval '60 days' END
                FROM cases_case c WHERE c.id % 2 = 0""",
            ),
            (
                "sessions",
                f"""INSERT INTO training_trainingsession (kind, title, modules, start_date,
                end_date, venue, online, created_at, created_by_id, region_id, organisation_id)
                SELECT CASE WHEN g % 10 = 0 THEN 'webinar' ELSE 'workshop' END, 'Session ' || g,
                  '[]'::jsonb, ({DAY0} + (g * 1461 / {max(n // 1000, 1)}) * interval '1 day')::date,
                  ({DAY0} + (g * 1461 / {max(n // 1000, 1)} + 1) * interval '1 day')::date,
                  '', false, now(), {u}, {r}, {o}
                FROM generate_series(1, {max(n // 1000, 1)}) g""",
            ),
            (
                "participants",
                f"""INSERT INTO training_participant (full_name, name_index, sex, age_band,
                organisation_name, actor_type, phone, email, is_fictitious, region_id)
                SELECT '', md5(g::text), (ARRAY['female','male'])[1 + g % 2],
                  (ARRAY['18_24','25_59','25_59','60p'])[1 + g % 4], '',
                  (ARRAY['cso','cbo','police','local_authority','religious_leader',
                   'community_leader'])[1 + g % 6], '', '', true, {r}
                FROM generate_series(1, {max(n // 100, 1)}) g""",
            ),
            (
                "enrollments",
                f"""INSERT INTO training_enrollment (token, registered_at, participant_id, session_id)
                SELECT md5(p.id::text || '-' || k), now(), p.id,
                  1 + ((p.id * 7 + k * 13) % {max(n // 1000, 1)})
                FROM training_participant p, generate_series(1, 2) k""",
            ),
            (
                "attendance",
                """INSERT INTO training_attendance (day, present, enrollment_id)
                SELECT s.start_date + d, e.id % 9 <> 0, e.id
                FROM training_enrollment e JOIN training_trainingsession s ON s.id = e.session_id,
                  generate_series(0, 1) d""",
            ),
            (
                "dialogues",
                f"""INSERT INTO outreach_dialogue (held_on, locality, format, topics, language,
                female_u18, female_18_24, female_25_59, female_60p, male_u18, male_18_24,
                male_25_59, male_60p, community_leaders, religious_leaders, youth,
                potential_migrants, returnees, families, follow_up, recorded_at, recorded_by_id,
                region_id, organisation_id)
                SELECT ({DAY0} + (g % 1461) * interval '1 day')::date, '', 'dialogue', 'traite',
                  'pular', g % 7, g % 5, g % 11, g % 3, g % 6, g % 4, g % 9, g % 2, g % 4, g % 3,
                  g % 8, g % 5, g % 2, g % 3, '', now(), {u}, {r}, {o}
                FROM generate_series(1, {max(n // 20, 1)}) g""",
            ),
            (
                "ambassadors",
                f"""INSERT INTO outreach_ambassador (full_name, languages, appointed_on,
                training_received, is_active, is_fictitious, organisation_id, prefecture_id)
                SELECT '', '', ({DAY0} + (g % 1461) * interval '1 day')::date, '', g % 10 <> 0,
                  true, {o}, (ARRAY{prefectures}::bigint[])[1 + g % {len(prefectures)}]
                FROM generate_series(1, {max(n // 500, 1)}) g""",
            ),
        ]
        for name, sql in steps:
            t = time.perf_counter()
            c.execute(sql)
            print(f"  seeded {name:13} {c.rowcount:>10,} rows in {time.perf_counter() - t:6.1f} s")
        c.execute("ANALYZE")
    print(f"seeded in {time.perf_counter() - started:.0f} s")


# --- the same figures by hand-written SQL --------------------------------------------------------

# Trend window: the four years ending with PERIOD, bucketed by year; every indicator grouped by
# bucket, region and its disaggregations — what the dashboard needs, written by hand.
W = "'2021-01-01'::timestamptz", "'2025-01-01'::timestamptz"
WD = "'2021-01-01'::date", "'2024-12-31'::date"
Y = "to_char({}, 'YYYY')"
HAND_SQL = {
    "actors_trained": f"""SELECT {Y.format("a.day")} y, s.region_id, p.sex, p.age_band,
        p.actor_type, count(DISTINCT e.participant_id) FROM training_attendance a
        JOIN training_enrollment e ON e.id = a.enrollment_id
        JOIN training_trainingsession s ON s.id = e.session_id
        JOIN training_participant p ON p.id = e.participant_id
        WHERE a.present AND a.day BETWEEN {WD[0]} AND {WD[1]} GROUP BY 1, 2, 3, 4, 5""",
    "actors_trained_national": f"""SELECT {Y.format("a.day")} y, p.sex, p.age_band, p.actor_type,
        count(DISTINCT e.participant_id) FROM training_attendance a
        JOIN training_enrollment e ON e.id = a.enrollment_id
        JOIN training_participant p ON p.id = e.participant_id
        WHERE a.present AND a.day BETWEEN {WD[0]} AND {WD[1]} GROUP BY 1, 2, 3, 4""",
    "webinar": f"""SELECT {Y.format("a.day")} y, s.region_id, p.sex, p.actor_type,
        count(DISTINCT e.participant_id) FROM training_attendance a
        JOIN training_enrollment e ON e.id = a.enrollment_id
        JOIN training_trainingsession s ON s.id = e.session_id AND s.kind = 'webinar'
        JOIN training_participant p ON p.id = e.participant_id
        WHERE a.present AND a.day BETWEEN {WD[0]} AND {WD[1]} GROUP BY 1, 2, 3, 4""",
    "webinar_national": f"""SELECT {Y.format("a.day")} y, p.sex, p.actor_type,
        count(DISTINCT e.participant_id) FROM training_attendance a
        JOIN training_enrollment e ON e.id = a.enrollment_id
        JOIN training_trainingsession s ON s.id = e.session_id AND s.kind = 'webinar'
        JOIN training_participant p ON p.id = e.participant_id
        WHERE a.present AND a.day BETWEEN {WD[0]} AND {WD[1]} GROUP BY 1, 2, 3""",
    "served": f"""SELECT {Y.format("r.delivered_at")} y, c.region_id, c.sex,
        CASE WHEN c.child THEN 'u18' WHEN c.birth_year IS NULL THEN 'unknown'
             WHEN extract(year FROM r.delivered_at) - c.birth_year < 18 THEN 'u18'
             WHEN extract(year FROM r.delivered_at) - c.birth_year < 25 THEN '18_24'
             WHEN extract(year FROM r.delivered_at) - c.birth_year < 60 THEN '25_59'
             ELSE '60p' END band, count(DISTINCT r.case_id)
        FROM referrals_referral r JOIN cases_case c ON c.id = r.case_id
        WHERE r.delivered_at >= {W[0]} AND r.delivered_at < {W[1]} GROUP BY 1, 2, 3, 4""",
    "served_national": f"""SELECT {Y.format("r.delivered_at")} y, c.sex,
        CASE WHEN c.child THEN 'u18' WHEN c.birth_year IS NULL THEN 'unknown'
             WHEN extract(year FROM r.delivered_at) - c.birth_year < 18 THEN 'u18'
             WHEN extract(year FROM r.delivered_at) - c.birth_year < 25 THEN '18_24'
             WHEN extract(year FROM r.delivered_at) - c.birth_year < 60 THEN '25_59'
             ELSE '60p' END band, count(DISTINCT r.case_id)
        FROM referrals_referral r JOIN cases_case c ON c.id = r.case_id
        WHERE r.delivered_at >= {W[0]} AND r.delivered_at < {W[1]} GROUP BY 1, 2, 3""",
    "alerts_on_time": f"""SELECT {Y.format("created_at")} y, region_id,
        CASE WHEN triaged_at IS NOT NULL AND triaged_at <= due_at THEN 'on_time'
             WHEN triaged_at IS NULL AND due_at > now() THEN 'pending' ELSE 'late' END, count(*)
        FROM cases_alert WHERE created_at >= {W[0]} AND created_at < {W[1]} GROUP BY 1, 2, 3""",
    "referrals_on_time": f"""SELECT {Y.format("r.created_at")} y, c.region_id,
        CASE WHEN answered_at IS NOT NULL AND answered_at <= due_at THEN 'on_time'
             WHEN answered_at IS NULL AND due_at > now() THEN 'pending' ELSE 'late' END, count(*)
        FROM referrals_referral r JOIN cases_case c ON c.id = r.case_id
        WHERE r.status <> 'cancelled' AND r.created_at >= {W[0]} AND r.created_at < {W[1]}
        GROUP BY 1, 2, 3""",
    "services_delivered": f"""SELECT {Y.format("r.delivered_at")} y, c.region_id, n.need_type,
        count(*) FROM referrals_referral r JOIN cases_case c ON c.id = r.case_id
        JOIN cases_need n ON n.id = r.need_id
        WHERE r.delivered_at >= {W[0]} AND r.delivered_at < {W[1]} GROUP BY 1, 2, 3""",
    "days_to_service": f"""SELECT y, region_id, count(*), percentile_cont(0.5) WITHIN GROUP
        (ORDER BY days) FROM (SELECT {Y.format("first_service")} y, region_id,
        extract(epoch FROM first_service - first_alert) / 86400 days FROM (
          SELECT c.region_id, min(r.delivered_at) first_service,
            (SELECT min(a.created_at) FROM cases_alert a WHERE a.case_id = r.case_id) first_alert
          FROM referrals_referral r JOIN cases_case c ON c.id = r.case_id
          WHERE r.delivered_at IS NOT NULL GROUP BY r.case_id, c.region_id
          HAVING min(r.delivered_at) >= {W[0]} AND min(r.delivered_at) < {W[1]}) s
        WHERE first_alert IS NOT NULL) t GROUP BY GROUPING SETS ((y, region_id), (y))""",
    "presumed_victims": f"""SELECT {Y.format("c.opened_at")} y, c.region_id, c.sex,
        CASE WHEN c.child THEN 'u18' WHEN c.birth_year IS NULL THEN 'unknown'
             WHEN extract(year FROM c.opened_at) - c.birth_year < 18 THEN 'u18'
             WHEN extract(year FROM c.opened_at) - c.birth_year < 25 THEN '18_24'
             WHEN extract(year FROM c.opened_at) - c.birth_year < 60 THEN '25_59'
             ELSE '60p' END band, count(*)
        FROM cases_case c WHERE c.opened_at >= {W[0]} AND c.opened_at < {W[1]}
          AND EXISTS (SELECT 1 FROM screening_assessment s WHERE s.case_id = c.id AND
            (s.worker_level = 'presumed' OR (s.worker_level = '' AND s.trafficking_level = 'presumed')))
        GROUP BY 1, 2, 3, 4""",
    "children_referred": f"""SELECT {Y.format("r.created_at")} y, c.region_id, c.sex,
        count(DISTINCT r.case_id) FROM referrals_referral r JOIN cases_case c ON c.id = r.case_id
        WHERE c.child AND r.created_at >= {W[0]} AND r.created_at < {W[1]} GROUP BY 1, 2, 3""",
    "consent_withdrawals": f"""SELECT {Y.format("k.withdrawn_at")} y, c.region_id, k.purpose,
        count(*) FROM cases_consent k JOIN cases_case c ON c.id = k.case_id
        WHERE k.withdrawn_at >= {W[0]} AND k.withdrawn_at < {W[1]} GROUP BY 1, 2, 3""",
    "cases_closed": f"""SELECT {Y.format("closed_at")} y, region_id, closure_reason, count(*)
        FROM cases_case WHERE status = 'closed' AND closed_at >= {W[0]} AND closed_at < {W[1]}
        GROUP BY 1, 2, 3""",
    "dialogues": f"""SELECT {Y.format("held_on")} y, region_id, sum(community_leaders),
        sum(religious_leaders), sum(female_u18), sum(female_18_24), sum(female_25_59),
        sum(female_60p), sum(male_u18), sum(male_18_24), sum(male_25_59), sum(male_60p)
        FROM outreach_dialogue WHERE held_on BETWEEN {WD[0]} AND {WD[1]} GROUP BY 1, 2""",
    "ambassadors": """SELECT p.region_id, count(*) FILTER (WHERE appointed_on <= '2021-12-31'),
        count(*) FILTER (WHERE appointed_on <= '2022-12-31'),
        count(*) FILTER (WHERE appointed_on <= '2023-12-31'),
        count(*) FILTER (WHERE appointed_on <= '2024-12-31')
        FROM outreach_ambassador a JOIN core_prefecture p ON p.id = a.prefecture_id
        WHERE a.is_active GROUP BY 1""",
    "workshops": f"""SELECT {Y.format("w.held_on")} y, s.region_id, p.sex, p.actor_type, count(*)
        FROM policy_workshopseat ws JOIN policy_workshop w ON w.id = ws.workshop_id
        LEFT JOIN training_trainingsession s ON s.id = w.session_id
        JOIN training_enrollment e ON e.id = ws.enrollment_id
        JOIN training_participant p ON p.id = e.participant_id
        WHERE w.held_on BETWEEN {WD[0]} AND {WD[1]} GROUP BY 1, 2, 3, 4""",
}
# The dashboard counts direct beneficiaries from the training and served-case queries again
# (they are one indicator); the hand SQL runs them once each for II.1/G.1 and adds the served
# cases, i.e. the hand version does strictly less work.


def hand_sql() -> dict[str, list[tuple[Any, ...]]]:
    from django.db import connection

    out = {}
    with connection.cursor() as c:
        for name, sql in HAND_SQL.items():
            c.execute(sql)
            out[name] = c.fetchall()
    return out


def timed(
    fn: Callable[[], Any], runs: int, before: Callable[[], None] | None = None
) -> list[float]:
    times = []
    for _ in range(runs):
        if before:
            before()
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return times


def p(times: list[float], q: float) -> float:
    if len(times) == 1:
        return times[0]
    return statistics.quantiles(times, n=100, method="inclusive")[int(q) - 1]


def check_same(board: Any, hand: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    """The dashboard's exact national totals for PERIOD against the hand SQL's."""

    def total(rows: list[tuple[Any, ...]], col: int = -1) -> int:
        return sum(int(r[col]) for r in rows if r[0] == PERIOD)

    expected = {
        "II.1": total(hand["actors_trained_national"]),
        "IV.1": total(hand["webinar_national"]),
        "G.1": total(hand["actors_trained_national"]) + total(hand["served_national"]),
        "II.4": total(hand["services_delivered"]),
        "II.6": total(hand["presumed_victims"]),
        "II.7": total(hand["children_referred"]),
        "II.8": total(hand["consent_withdrawals"]),
        "II.9": total(hand["cases_closed"]),
        "III.1": sum(int(r[2]) + int(r[3]) for r in hand["dialogues"] if r[0] == PERIOD),
        "III.2": sum(sum(int(x) for x in r[4:12]) for r in hand["dialogues"] if r[0] == PERIOD),
        "III.3": sum(int(r[4]) for r in hand["ambassadors"]),
    }
    problems = []
    for code, value in expected.items():
        got = board.result(code).value.value
        if got != value:
            problems.append(f"{code}: dashboard {got} ≠ hand SQL {value}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("cases", type=int, nargs="?", default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-seed", action="store_true")
    parser.add_argument("--live-runs", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.utils import translation

    if connection.vendor != "postgresql":
        sys.exit("bench_dashboard: PostgreSQL only (set DATABASE_URL)")
    settings.MONITORING_CACHE_SECONDS = 30
    translation.activate("fr")
    call_command("migrate", verbosity=0)
    if not args.no_seed:
        seed(args.cases)
    from datetime import date

    from egide.monitoring import facts
    from egide.monitoring.computation import dashboard
    from egide.monitoring.freshness import mark_months
    from egide.monitoring.models import Fact, FactState
    from egide.monitoring.views import _sections

    def full(region: str | None) -> Callable[[], Any]:
        def run() -> Any:
            board = dashboard(period=PERIOD, region=region, suppressed=True)
            _sections(board, with_bars=region is not None)  # charts too
            return board

        return run

    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM cases_case")
        n_cases = c.fetchone()[0]
    print(f"\n{n_cases:,} cases; period {PERIOD} with a 4-year trend; {args.runs} runs each")
    print(f"load average before: {load()}\n")
    built = facts.refresh(full=True)
    print(
        f"summary full build: {built.seconds:6.1f} s  ({built.months} months → "
        f"{built.periods} periods, {Fact.objects.count():,} rows)   load {load()}"
    )
    incremental = []
    for _ in range(3):
        mark_months([date(int(PERIOD), 3, 15)])
        incremental.append(facts.refresh().seconds * 1000)
    print(
        f"summary refresh of one changed month (its quarter and year too): "
        f"p50 {p(incremental, 50):7.1f} ms  max {max(incremental):7.1f} ms   load {load()}\n"
    )
    full(None)()  # first touch: imports, PostgreSQL buffers
    rows = []
    for label, fn in (("full dashboard", full(None)), ("region GN-L", full("GN-L"))):
        settings.MONITORING_CACHE_SECONDS = 0  # cold: every figure read again from the summary
        cold = timed(fn, args.runs)
        settings.MONITORING_CACHE_SECONDS = 30
        cache.clear()
        fn()
        warm = timed(fn, args.runs)
        rows.append((label, cold, warm))
    settings.MONITORING_CACHE_SECONDS = 0
    after_change = timed(
        full(None), max(3, args.runs // 4), before=lambda: mark_months([date(int(PERIOD), 3, 15)])
    )
    built_at = FactState.objects.get(pk=1).built_at
    FactState.objects.filter(pk=1).update(built_at=None)  # the live path: no summary
    live = timed(full(None), args.live_runs) if args.live_runs else []
    FactState.objects.filter(pk=1).update(built_at=built_at)
    hand = timed(hand_sql, args.runs)
    print(f"load average after the timings: {load()}")
    for label, cold, warm in rows:
        print(
            f"{label:15} cold p50 {p(cold, 50):7.1f} ms  p95 {p(cold, 95):7.1f} ms   "
            f"warm p50 {p(warm, 50):6.1f} ms  p95 {p(warm, 95):6.1f} ms"
        )
    print(
        f"{'read after a change':15} p50 {p(after_change, 50):7.1f} ms  "
        f"max {max(after_change):7.1f} ms  (one month recomputed by the read, then the page)"
    )
    if live:
        print(
            f"{'live (no summary)':15} p50 {p(live, 50):7.1f} ms  max {max(live):7.1f} ms  "
            "(every indicator counted from the records)"
        )
    print(f"{'hand SQL':15} p50 {p(hand, 50):7.1f} ms  p95 {p(hand, 95):7.1f} ms")
    full_cold = rows[0][1]
    print(
        f"\nratio dashboard (cold: reads the summary table, plus III.3 from the records) / "
        f"hand SQL (reads the records' tables): p50 {p(full_cold, 50) / p(hand, 50):.3f}×, "
        f"p95 {p(full_cold, 95) / p(hand, 95):.3f}×  (goal ≤ 2×; p95 goal < 500 ms)"
    )
    cache.clear()
    board = dashboard(period=PERIOD, suppressed=False)
    problems = check_same(board, hand_sql())
    print("same figures as the hand SQL:", "yes" if not problems else "NO — " + "; ".join(problems))
    if args.live_runs:
        from egide.monitoring.queries import using_source

        summary = [dashboard(period=PERIOD, region=r, suppressed=s).figures() for r, s in CHECKS]
        FactState.objects.filter(pk=1).update(built_at=None)
        with using_source(None):
            same = summary == [
                dashboard(period=PERIOD, region=r, suppressed=s).figures() for r, s in CHECKS
            ]
        FactState.objects.filter(pk=1).update(built_at=built_at)
        print(
            "every figure (all disaggregations, suppressed and not, national and GN-L) the same "
            "from the summary as from the records:",
            "yes" if same else "NO",
        )


CHECKS = [(None, False), (None, True), ("GN-L", False), ("GN-L", True)]


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


if __name__ == "__main__":
    main()
