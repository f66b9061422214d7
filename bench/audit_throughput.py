"""Benchmark: audited reads per second at 1, 4 and 8 clients, and a record view during a long audited write.

Issue 12, "An audit log that does not serialise the world". Builds its own database (dropped and made
afresh), then runs the child page's own audited read (``access_child``: the access decision, the audit row
and the disclosure row, committed) in 1, 4 and 8 processes at once, each with its own connection, and
prints the reads per second; then times the same read of an unrelated child while another process holds an
audited write transaction open (``--hold`` seconds), as a referral granting a 420-person service does. See
bench/README.md. Run with ``make bench-audit``.
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from children_list import drop_database, recreate_database, setup_django

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/beacon_bench_audit"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="1,4,8", help="concurrent clients to measure, in turn (1,4,8)")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long each client count runs (10)")
    parser.add_argument("--children", type=int, default=50, help="children the readers cycle through (50)")
    parser.add_argument("--hold", type=float, default=5.0, help="how long the long write stays open (5 s)")
    parser.add_argument("--views", type=int, default=5, help="record views timed during the long write (5)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards for inspection")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_AUDIT_DATABASE_URL", DEFAULT_DATABASE_URL),
        help=f"the database to (re)create; its name must contain 'bench' (default {DEFAULT_DATABASE_URL})",
    )
    return parser.parse_args()


def build_data(children: int) -> tuple[int, list[str]]:
    """One professional who created ``children`` children (so may see each); return their id and the ids."""
    from apps.sharing.models import AccessGrant
    from apps.sharing.services import child_access_grant
    from tests.factories import ChildFactory, ProfessionalFactory

    reader = ProfessionalFactory(username="bench.reader")
    made = ChildFactory.create_batch(children)
    for child in made:
        child_access_grant(child=child, user=reader, basis=AccessGrant.Basis.CREATOR, granted_by=reader)
    return reader.pk, [str(child.public_id) for child in made]


def _read_loop(
    url: str, reader_id: int, public_ids: list[str], seconds: float, start, counts, *, append_only: bool
) -> None:
    """One client in its own process and connection: the child page's audited read, over and over.

    With ``append_only``, only its audit row (``audit_record``, committed), which costs little else, so
    any queue on the audit log shows. Every client connects and reads once first, then waits at ``start``
    (a barrier), so the clients run their ``seconds`` together; each puts how many it did on ``counts``.
    """
    setup_django(url)
    from apps.accounts.models import User
    from apps.audit.models import AuditEvent
    from apps.audit.services import audit_record
    from apps.children.models import Child
    from apps.sharing.selectors import access_child

    reader = User.objects.get(pk=reader_id)
    children = list(Child.objects.filter(public_id__in=public_ids))

    def append(index: int) -> None:
        child = children[index % len(children)]
        audit_record(actor=reader, action=AuditEvent.Action.VIEW, target=child, child=child, basis="bench")

    def read(index: int) -> None:
        access_child(reader, public_ids[index % len(public_ids)])

    one = append if append_only else read
    one(0)
    start.wait(timeout=120)
    done, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        one(done)
        done += 1
    counts.put(done)


def throughput(
    url: str,
    reader_id: int,
    public_ids: list[str],
    clients: int,
    seconds: float,
    *,
    append_only: bool = False,
) -> float:
    """Audited reads (or audit appends alone) per second with ``clients`` processes at once."""
    context = multiprocessing.get_context("spawn")
    start, counts = context.Barrier(clients), context.Queue()
    processes = [
        context.Process(
            target=_read_loop,
            args=(url, reader_id, public_ids[index::clients] or public_ids, seconds, start, counts),
            kwargs={"append_only": append_only},
        )
        for index in range(clients)
    ]
    for process in processes:
        process.start()
    total = sum(counts.get(timeout=300) for _ in processes)
    for process in processes:
        process.join()
    return total / seconds


def _long_write(args: tuple) -> None:
    """Another process: an audited write whose transaction stays open ``hold`` seconds, then commits."""
    reader_id, public_id, hold, ready = args
    from django.db import connection, transaction

    from apps.accounts.models import User
    from apps.audit.models import AuditEvent
    from apps.audit.services import audit_record
    from apps.children.models import Child

    reader = User.objects.get(pk=reader_id)
    child = Child.objects.get(public_id=public_id)
    with transaction.atomic():
        audit_record(actor=reader, action=AuditEvent.Action.GRANT, target=child, child=child, basis="bench")
        ready.set()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(%s)", [hold])


def view_during_long_write(
    url: str, reader_id: int, public_ids: list[str], hold: float, views: int
) -> list[float]:
    """Milliseconds for each of ``views`` record views of another child while the long write is open."""
    from apps.accounts.models import User
    from apps.sharing.selectors import access_child

    reader = User.objects.get(pk=reader_id)
    access_child(reader, public_ids[1])  # Warm: the first read loads what later ones reuse.
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        ready = manager.Event()
        writer = context.Process(target=_run_long_write, args=(url, (reader_id, public_ids[0], hold, ready)))
        writer.start()
        ready.wait(timeout=60)
        timings = []
        for index in range(views):
            started = time.perf_counter()
            access_child(reader, public_ids[1 + index % (len(public_ids) - 1)])
            timings.append((time.perf_counter() - started) * 1000)
        writer.join()
    return timings


def _run_long_write(url: str, args: tuple) -> None:
    setup_django(url)
    _long_write(args)


def main() -> None:
    args = parse_args()
    recreate_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0, interactive=False)
        reader_id, public_ids = build_data(args.children)
        connection.close()
        print(f"{args.children} children, one reader who may see each; {args.seconds:g} s per client count")
        print("\nAudited reads (access_child, as the child page: decision, audit row, disclosure row)")
        client_counts = [int(part) for part in args.clients.split(",")]
        for clients in client_counts:
            rate = throughput(args.database_url, reader_id, public_ids, clients, args.seconds)
            print(f"  {clients} client{'s' if clients > 1 else ' '}: {rate:7.1f} reads/s")
        print("\nAudit appends alone (audit_record, each committed)")
        for clients in client_counts:
            rate = throughput(
                args.database_url, reader_id, public_ids, clients, args.seconds, append_only=True
            )
            print(f"  {clients} client{'s' if clients > 1 else ' '}: {rate:7.1f} appends/s")
        timings = view_during_long_write(args.database_url, reader_id, public_ids, args.hold, args.views)
        print(f"\nRecord view of another child while an audited write holds its transaction {args.hold:g} s")
        median = statistics.median(timings)
        print(f"  first {timings[0]:8.1f} ms, median {median:8.1f} ms, max {max(timings):8.1f} ms")
    finally:
        connection.close()
        if not args.keep:
            drop_database(args.database_url)


if __name__ == "__main__":
    main()
