"""Benchmark: the triage queue page at 10, 1,000 and 10,000 open referrals.

Issue 14: at a large authority's scale (about 5,800 open referrals) the queue rendered every row in one
3.7 MB page taking 3 s. Builds its own database (dropped and made afresh), bulk-inserts the open
referrals for one receiving service in steps, and at each size prints, for the first page, a filtered
page and the last page: the queries one request runs, the bytes of the page, and the time per page (p50
and p95 of ``--runs`` requests through Django's test client, in process). See bench/README.md. Run with
``make bench-queue``.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from children_list import drop_database, recreate_database, setup_django

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/beacon_bench_queue"
BATCH = 2_000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="10,1000,10000", help="open referrals to measure at (10,1000,10000)"
    )
    parser.add_argument("--runs", type=int, default=20, help="timed requests of each page (20)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed for the synthetic data")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards for inspection")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_QUEUE_DATABASE_URL", DEFAULT_DATABASE_URL),
        help=f"the database to (re)create; its name must contain 'bench' (default {DEFAULT_DATABASE_URL})",
    )
    return parser.parse_args()


def build_people():
    """The receiving CAMHS with its triager, and 20 referring organisations with a referrer each."""
    from apps.accounts.models import Organisation, OrganisationType
    from tests.factories import ProfessionalFactory

    camhs = Organisation.objects.create(
        name="Bench CAMHS", type=OrganisationType.objects.get(code="nhs-camhs")
    )
    triager = ProfessionalFactory(username="bench-triager", organisation=camhs)
    types = list(OrganisationType.objects.exclude(code="nhs-camhs"))
    referrers = [
        ProfessionalFactory(
            username=f"bench-referrer-{n}",
            organisation=Organisation.objects.create(
                name=f"Bench Referrer {n:02d}", type=types[n % len(types)]
            ),
        )
        for n in range(20)
    ]
    return camhs, triager, referrers


def add_referrals(count: int, *, camhs, referrers, rng: random.Random, start: int) -> None:
    """``count`` more open referrals to ``camhs``: children, the service's grant and permission rows, and
    the referrals, all in bulk (the grant as ``organisation_access_grant`` writes it)."""
    from django.utils import timezone

    from apps.children.models import Child
    from apps.referrals.models import Referral
    from apps.sharing.models import OrganisationAccessGrant
    from apps.sharing.services import organisation_access_grant
    from tests.factories import nhs_number_from

    today = timezone.localdate()
    now = timezone.now()
    for offset in range(0, count, BATCH):
        size = min(BATCH, count - offset)
        children = Child.objects.bulk_create(
            Child(
                nhs_number=nhs_number_from(start + offset + n),
                given_name=f"Bench{start + offset + n}",
                family_name="Child",
                date_of_birth=today - timedelta(days=rng.randint(4 * 365, 18 * 365)),
            )
            for n in range(size)
        )
        for child in children:
            organisation_access_grant(
                child=child,
                organisation=camhs,
                basis=OrganisationAccessGrant.Basis.REFERRAL_RECEIVED,
                granted_by=referrers[0],
            )
        urgencies = ["", "routine", "urgent", "emergency"]
        rows = []
        for child in children:
            urgency = rng.choice(urgencies)
            received = now - timedelta(days=rng.randint(0, 120), minutes=rng.randint(0, 1440))
            target = (
                received + timedelta(hours={"routine": 672, "urgent": 168, "emergency": 24}[urgency])
                if urgency
                else None
            )
            rows.append(
                Referral(
                    child=child,
                    receiving_organisation=camhs,
                    status="triaged" if urgency else "received",
                    route="school",
                    made_by=rng.choice(referrers),
                    presenting_needs="Low mood, not sleeping, stopped going to school. " * rng.randint(5, 60),
                    what_has_been_tried="School counsellor for six weeks. " * 10,
                    professional_concern=rng.choice(["low", "medium", "high"]),
                    family_concern=rng.choice(["low", "medium", "high"]),
                    consent_to_refer="young_person",
                    urgency=urgency,
                    urgency_rank={"": 0, "routine": 1, "urgent": 2, "emergency": 3}[urgency],
                    target_at=target,
                    received_at=received,
                )
            )
        Referral.objects.bulk_create(rows, batch_size=BATCH)


def measure(client, url: str, runs: int) -> tuple[int, int, float, float]:
    from django.db import connection

    queries = []

    def counted(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code}")
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    return len(queries), len(response.content), statistics.median(timings), p95


def main() -> None:
    args = parse_args()
    recreate_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from tests.auth import sign_in

    try:
        call_command("migrate", verbosity=0, interactive=False)
        rng = random.Random(args.seed)
        camhs, triager, referrers = build_people()
        client = sign_in(Client(), triager)
        url = reverse("referrals:queue")
        print(f"Triage queue of one service; {args.runs} timed requests per line (in-process test client)")
        print(f"{'open referrals':>15} {'page':<28} {'queries':>7} {'bytes':>9} {'p50 ms':>8} {'p95 ms':>8}")
        made = 0
        for size in [int(part) for part in args.sizes.split(",")]:
            add_referrals(size - made, camhs=camhs, referrers=referrers, rng=rng, start=made)
            made = size
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            last = max(1, -(-size // 25))
            pages = {
                "first": url,
                "filtered (high, passed)": f"{url}?concern=high&target=passed",
                "sorted by target": f"{url}?sort=target",
                f"last (page {last})": f"{url}?page={last}",
            }
            for name, address in pages.items():
                queries, size_bytes, p50, p95 = measure(client, address, args.runs)
                print(f"{size:>15,} {name:<28} {queries:>7} {size_bytes:>9,} {p50:>8.1f} {p95:>8.1f}")
    finally:
        connection.close()
        if not args.keep:
            drop_database(args.database_url)


if __name__ == "__main__":
    main()
