"""Benchmark: the children list API for a professional who can see 30 of 10,000 children.

Builds its own PostgreSQL database (dropped and created afresh, never the test or dev database), fills
it with bulk inserts, then prints p50 and p95 of ``GET /api/v1/children/`` beside a hand-written SQL
query for the same page (the floor), the parts of the request on their own, and ``EXPLAIN ANALYZE``
of the permission-filtered page query. See bench/README.md. Run with ``make bench``.
"""

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/beacon_bench"
PAGE_SIZE = 25  # REST_FRAMEWORK["PAGE_SIZE"]; checked against the response below.
BATCH = 5_000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=10_000, help="children to create (10,000)")
    parser.add_argument("--rows", type=int, default=100_000, help="permission rows to create (100,000)")
    parser.add_argument("--professionals", type=int, default=500, help="professionals holding them (500)")
    parser.add_argument(
        "--visible", type=int, default=30, help="children the measured professional sees (30)"
    )
    parser.add_argument("--runs", type=int, default=200, help="timed runs of each measurement (200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed runs first (20)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed for the synthetic data")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards for inspection")
    parser.add_argument(
        "--what-if",
        action="store_true",
        help="also time two candidate fixes (JIT off; restrict() as a UNION)",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help=f"the database to (re)create; its name must contain 'bench' (default {DEFAULT_DATABASE_URL})",
    )
    return parser.parse_args()


# --- The database ---------------------------------------------------------------------------------


def recreate_database(url: str) -> None:
    """Drop and create the benchmark database, connecting to the server's ``postgres`` database."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to drop {name!r}: the benchmark database's name must contain 'bench'.")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(parts.path.lstrip("/"))))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url  # Before the settings read it: never the test or dev database.
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


# --- Synthetic data -------------------------------------------------------------------------------


def split_grants(rows: int, visible: int, professionals: int, children: int) -> tuple[int, int]:
    """How many (professional, child) grants make exactly ``rows`` permission rows; how many are read-only.

    A grant that may change the record gives three rows (view_child, view_child_team, change_child), a
    read-only one two. About a quarter are read-only, so grants * 3 - read_only == rows.
    """
    grants = -(-rows * 4 // 11)  # rows / 2.75, rounded up
    read_only = 3 * grants - rows
    others = grants - visible
    if read_only > grants or others < professionals - 1 or others > (professionals - 1) * children:
        sys.exit(f"{rows} rows cannot be spread over {professionals} professionals and {children} children.")
    return grants, read_only


def build_data(args: argparse.Namespace) -> dict:
    """Bulk-insert organisations, professionals, children, grants and permission rows; return the subject."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from apps.accounts.models import (
        Organisation,
        OrganisationMembership,
        OrganisationType,
        ProfessionalRole,
        User,
    )
    from apps.children.models import Child, SocialWorkInvolvement, VulnerabilityFlag, VulnerabilityType
    from apps.sharing.models import AccessGrant, ChildUserObjectPermission
    from tests.factories import nhs_number_from

    rng = random.Random(args.seed)
    grants_total, read_only_total = split_grants(args.rows, args.visible, args.professionals, args.children)

    # Organisations and professionals, each with a current membership (the audit records the organisation).
    types = list(OrganisationType.objects.all())
    roles = list(ProfessionalRole.objects.all())
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Bench Organisation {n:02d}", type=types[n % len(types)]) for n in range(20)
    )
    users = User.objects.bulk_create(
        (
            User(
                username=f"bench-prof-{n:04d}",
                display_name=f"Bench Professional {n}",
                email=f"bench-prof-{n:04d}@example.invalid",
                kind=User.Kind.PROFESSIONAL,
                password="!unusable",  # noqa: S106 - no one signs in to the benchmark database.
            )
            for n in range(args.professionals)
        ),
        batch_size=BATCH,
    )
    OrganisationMembership.objects.bulk_create(
        (
            OrganisationMembership(
                user=user,
                organisation=organisations[n % len(organisations)],
                role=roles[n % len(roles)],
                started_on=date(2024, 1, 1),
            )
            for n, user in enumerate(users)
        ),
        batch_size=BATCH,
    )

    # Children, with the summary the list shows: a current social-work status and current vulnerabilities.
    surnames = [f"Family{n:03d}" for n in range(400)]
    children = Child.objects.bulk_create(
        (
            Child(
                given_name=f"Bench{n}",
                family_name=rng.choice(surnames),
                preferred_name=rng.choice(["", "", "", f"B{n}"]),
                date_of_birth=date(2008, 1, 1) + timedelta(days=rng.randrange(365 * 16)),
                nhs_number=nhs_number_from(n),
                strengths="Synthetic benchmark record.",
            )
            for n in range(args.children)
        ),
        batch_size=BATCH,
    )
    statuses = [choice for choice, _ in SocialWorkInvolvement.Status.choices]
    SocialWorkInvolvement.objects.bulk_create(
        (
            SocialWorkInvolvement(child=child, status=rng.choice(statuses), started_on=date(2025, 1, 1))
            for child in children
            if rng.random() < 0.8
        ),
        batch_size=BATCH,
    )
    vulnerability_types = list(VulnerabilityType.objects.all())
    flags = []
    for child in children:
        for n, vtype in enumerate(rng.sample(vulnerability_types, rng.randint(0, 3))):
            ended = date(2025, 6, 1) if n == 2 else None
            flags.append(
                VulnerabilityFlag(
                    child=child, type=vtype, source="school", identified_on=date(2025, 1, 1), ended_on=ended
                )
            )
    VulnerabilityFlag.objects.bulk_create(flags, batch_size=BATCH)

    # Who sees whom: the subject sees exactly ``visible`` children; the others share the remaining grants.
    subject, others = users[0], users[1:]
    pairs = [(subject, child) for child in rng.sample(children, args.visible)]
    base, extra = divmod(grants_total - args.visible, len(others))
    for n, user in enumerate(others):
        pairs.extend((user, child) for child in rng.sample(children, base + (n < extra)))
    read_only = set(rng.sample(range(len(pairs)), read_only_total))

    AccessGrant.objects.bulk_create(
        (
            AccessGrant(
                child=child,
                user=user,
                basis=AccessGrant.Basis.ADMINISTRATOR,
                can_change=n not in read_only,
                reason="Synthetic benchmark grant.",
            )
            for n, (user, child) in enumerate(pairs)
        ),
        batch_size=BATCH,
    )
    content_type = ContentType.objects.get_for_model(Child)
    perm_ids = dict(
        Permission.objects.filter(
            content_type=content_type, codename__in=["view_child", "change_child", "view_child_team"]
        ).values_list("codename", "id")
    )
    ChildUserObjectPermission.objects.bulk_create(
        (
            ChildUserObjectPermission(user=user, content_object=child, permission_id=perm_ids[codename])
            for n, (user, child) in enumerate(pairs)
            for codename in (
                ("view_child", "view_child_team")
                if n in read_only
                else ("view_child", "view_child_team", "change_child")
            )
        ),
        batch_size=BATCH,
    )
    # Bulk loading leaves no statistics or visibility map; autovacuum would soon provide both.
    with connection.cursor() as cursor:
        for model in (
            Child,
            AccessGrant,
            ChildUserObjectPermission,
            SocialWorkInvolvement,
            VulnerabilityFlag,
        ):
            cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')

    return {
        "subject_id": subject.pk,
        "view_child_id": perm_ids["view_child"],
        "grants": len(pairs),
        "permission_rows": ChildUserObjectPermission.objects.count(),
        "children": Child.objects.count(),
        "flags": len(flags),
    }


# --- Measuring ------------------------------------------------------------------------------------


def measure(fn: Callable[[], object], *, runs: int, warmup: int) -> list[float]:
    """Milliseconds per call of ``fn``, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def percentiles(timings: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return cuts[49], cuts[94]


def floor_sql(*, with_summary: bool) -> str:
    """The page by hand: the user's view_child rows joined to the children, ordered, 25 of them."""
    from apps.children.models import Child, SocialWorkInvolvement, VulnerabilityFlag
    from apps.sharing.models import ChildUserObjectPermission

    summary = ""
    if with_summary:
        summary = f""",
            (SELECT s.status FROM {SocialWorkInvolvement._meta.db_table} s
              WHERE s.child_id = c.id AND s.ended_on IS NULL LIMIT 1) AS current_social_work_status,
            (SELECT count(*) FROM {VulnerabilityFlag._meta.db_table} f
              WHERE f.child_id = c.id AND f.ended_on IS NULL) AS current_flag_count"""
    # Honour permission expiry when the schema has it, so the floor answers the same question.
    fields = {field.name for field in ChildUserObjectPermission._meta.get_fields()}
    expiry = " AND (p.expires_at IS NULL OR p.expires_at > now())" if "expires_at" in fields else ""
    return f"""
        SELECT c.public_id, c.given_name, c.family_name, c.preferred_name, c.date_of_birth,
               c.nhs_number{summary}
          FROM {Child._meta.db_table} c
          JOIN {ChildUserObjectPermission._meta.db_table} p ON p.content_object_id = c.id
         WHERE p.user_id = %s AND p.permission_id = %s{expiry}
         ORDER BY c.family_name, c.given_name, c.id
         LIMIT {PAGE_SIZE}"""


def run_benchmarks(args: argparse.Namespace, data: dict) -> list[tuple[str, list[float]]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from apps.accounts.models import User
    from apps.children.selectors import child_list
    from apps.sharing.selectors import child_list_audit

    subject_id = data["subject_id"]
    floor_params = [subject_id, data["view_child_id"]]
    client = APIClient()

    def api_get() -> dict:
        # A fresh user object per request, as authentication gives a real request: nothing cached on it.
        client.force_authenticate(user=User.objects.get(pk=subject_id))
        response = client.get("/api/v1/children/")
        if response.status_code != 200:
            sys.exit(f"GET /api/v1/children/ answered {response.status_code}: {response.content[:300]}")
        return response.json()

    # The same answer from the API and the floor, before timing either.
    check_same_answer(api_get(), floor_sql(with_summary=True), floor_params, args.visible)

    with CaptureQueriesContext(connection) as captured:
        api_get()
    print(f"\nQueries per GET /api/v1/children/ (authentication forced, so no token lookup): {len(captured)}")
    for query in captured.captured_queries:
        print(f"  {' '.join(query['sql'].split())[:150]}")

    user = User.objects.get(pk=subject_id)
    page_sql, page_params = child_list(user=user)[:PAGE_SIZE].query.sql_with_params()
    page = list(child_list(user=user)[:PAGE_SIZE])

    def run_sql(sql: str, params) -> Callable[[], object]:
        def fn() -> object:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        return fn

    results: list[tuple[str, list[float]]] = []

    def timed(label: str, fn: Callable[[], object]) -> None:
        timings = measure(fn, runs=args.runs, warmup=args.warmup)
        results.append((label, timings))
        p50, p95 = percentiles(timings)
        print(f"  {label:<62} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms")

    print(f"\nTimings: {args.runs} runs each after {args.warmup} warm-up runs")
    timed("API: GET /api/v1/children/ (in-process APIClient)", api_get)
    with mock.patch("apps.caseload.children_api.records.child_list_audit"):
        timed("API: the same with the audit write skipped", api_get)
    timed("ORM: list(child_list(user)[:25])", lambda: list(child_list(user=user)[:PAGE_SIZE]))
    timed("ORM: child_list(user).count(), the paginator's count", lambda: child_list(user=user).count())
    timed("SQL: the ORM's page query alone, by cursor", run_sql(page_sql, page_params))
    timed(
        "Audit: child_list_audit(page of 25), one bulk insert",
        lambda: child_list_audit(user=user, children=page),
    )
    timed(
        "Floor: hand-written SQL, same columns as the API",
        run_sql(floor_sql(with_summary=True), floor_params),
    )
    timed("Floor: hand-written SQL, child columns only", run_sql(floor_sql(with_summary=False), floor_params))

    plan = explain("restrict() page query: child_list(user)[:25]", page_sql, page_params)
    with CaptureQueriesContext(connection) as captured:
        child_list(user=user).count()
    explain("the paginator's count: child_list(user).count()", captured.captured_queries[-1]["sql"], None)
    explain("floor, same columns", floor_sql(with_summary=True), floor_params)
    report_plan(plan)

    if args.what_if:
        print("\nWhat-ifs: NOT the application as it is, each checked to give the same page and count")
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        try:
            timed("What-if API: PostgreSQL JIT off for the connection", api_get)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET jit")
        with mock.patch("apps.children.models.ChildQuerySet.restrict", restrict_union):
            check_same_answer(api_get(), floor_sql(with_summary=True), floor_params, args.visible)
            timed("What-if API: restrict() as IN (... UNION ALL ...)", api_get)
            union_sql, union_params = child_list(user=user)[:PAGE_SIZE].query.sql_with_params()
            report_plan(
                explain("what-if page query, restrict() as IN (... UNION ALL ...)", union_sql, union_params)
            )
    return results


def check_same_answer(answer: dict, sql: str, params: list, visible: int) -> None:
    """Stop unless the API and the hand-written SQL give the same children in order, with the same summary."""
    from django.db import connection

    expected_page = min(visible, PAGE_SIZE)
    if answer["count"] != visible or len(answer["results"]) != expected_page:
        sys.exit(f"Expected {visible} children, a page of {expected_page}: got {answer['count']}.")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    by_floor = [(str(row[0]), row[6], row[7]) for row in rows]
    by_api = [
        (child["public_id"], child["current_social_work_status"], child["current_vulnerability_count"])
        for child in answer["results"]
    ]
    if by_floor != by_api:
        sys.exit("The hand-written SQL and the API disagree about the page: the floor is not the same query.")


def restrict_union(self, user, perm: str = "view_child"):
    """What-if for ``ChildQuerySet.restrict``: the same rows as one IN over a UNION ALL, not EXISTS OR EXISTS.

    PostgreSQL cannot turn ``EXISTS (...) OR EXISTS (...)`` into a join, so it guesses 75% of all children
    pass, costs the query in the hundreds of thousands and JIT-compiles it. An IN over one sub-query is
    planned as a semi-join driven by the user's own permission rows.
    """
    from django.db.models import Q
    from django.db.models.functions import Now

    from apps.sharing.models import ChildGroupObjectPermission, ChildUserObjectPermission

    if user is None or not user.is_authenticated or not user.is_active:
        return self.none()
    codename = perm.split(".", 1)[-1]
    direct = ChildUserObjectPermission.objects.filter(user=user, permission__codename=codename)
    if "expires_at" in {field.name for field in ChildUserObjectPermission._meta.get_fields()}:
        direct = direct.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=Now()))
    through_group = ChildGroupObjectPermission.objects.filter(group__user=user, permission__codename=codename)
    return self.filter(
        pk__in=direct.values("content_object_id").union(through_group.values("content_object_id"), all=True)
    )


def report_plan(plan: str) -> None:
    """Say how restrict() reads the permission table, and what JIT compilation cost."""
    from django.db import connection

    from apps.sharing.models import ChildUserObjectPermission

    table = ChildUserObjectPermission._meta.db_table
    indexes = sorted({line.split(" using ")[1].split()[0] for line in plan.splitlines() if " using " in line})
    print(f"\nIndexes the page query uses: {', '.join(indexes) or 'none'}")
    if f"Seq Scan on {table}" in plan:
        print(f"WARNING: sequential scan on {table}: restrict() is not using child_uop_user_perm.")
    elif "child_uop_user_perm" in indexes:
        print(f"OK: {table} is read through child_uop_user_perm, with no sequential scan of it.")
    else:
        print(f"OK: no sequential scan of {table}, though child_uop_user_perm is not the index chosen.")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit_above_cost")
        jit_above_cost = cursor.fetchone()[0]
    cost = plan.splitlines()[0].split("cost=")[1].split("..")[1].split()[0]
    jit = next(
        (line.strip() for line in plan.splitlines() if line.strip().startswith("Timing: Generation")), ""
    )
    execution = next((line.strip() for line in plan.splitlines() if line.startswith("Execution Time")), "")
    print(f"Planner's total cost {cost} (JIT compiles above jit_above_cost = {jit_above_cost}). {execution}.")
    if jit:
        print(f"NOTE: PostgreSQL JIT-compiled this query ({jit.split(', Total ')[-1]} of it was JIT).")


def explain(title: str, sql: str, params) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print(f"\nEXPLAIN ANALYZE, {title}:\n{plan}")
    return plan


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    print(f"Load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; database {args.database_url}")
    recreate_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connections

    step = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"Migrated in {time.perf_counter() - step:.1f} s")
    step = time.perf_counter()
    data = build_data(args)
    print(
        f"Created {data['children']:,} children, {data['grants']:,} access grants, "
        f"{data['permission_rows']:,} permission rows over {args.professionals} professionals, "
        f"{data['flags']:,} vulnerability flags in {time.perf_counter() - step:.1f} s"
    )
    try:
        results = run_benchmarks(args, data)
        print(f"\n| Measurement ({args.runs} runs) | p50 ms | p95 ms |\n|---|---:|---:|")
        for label, timings in results:
            p50, p95 = percentiles(timings)
            print(f"| {label} | {p50:.2f} | {p95:.2f} |")
    finally:
        connections.close_all()
        if args.keep:
            print(f"\nKept the database: {args.database_url}")
        else:
            drop_database(args.database_url)
    print(f"\nEnd to end: {time.perf_counter() - started:.1f} s; load average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
