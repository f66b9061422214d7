"""Profile one ``GET /api/v1/children/`` end to end on a kept large-authority database (issue 11).

    .venv/bin/python bench/profile_list.py postgres://postgres@127.0.0.1:5432/beacon_bench_large [--runs 30]

Prints the p50 of the whole request, each query with its time, and the top of a cProfile of one request
(cumulative), so what is SQL and what is Python can be told apart. See bench/README.md.
"""

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from children_list import setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("--user", default="bench-spa-00")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--profile-lines", type=int, default=45)
    args = parser.parse_args()
    setup_django(args.database_url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from apps.accounts.models import User

    client = APIClient()

    def get() -> None:
        client.force_authenticate(user=User.objects.get(username=args.user))
        response = client.get("/api/v1/children/")
        if response.status_code != 200:
            sys.exit(f"GET /api/v1/children/ answered {response.status_code}: {response.content[:300]}")

    for _ in range(3):
        get()
    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        get()
        timings.append((time.perf_counter() - started) * 1000)
    p50 = statistics.median(timings)
    print(f"{args.user}: p50 {p50:.1f} ms, min {min(timings):.1f} ms ({args.runs} runs)")
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        get()
        total = (time.perf_counter() - started) * 1000
    sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    print(f"one request {total:.1f} ms: {len(captured)} queries, {sql_ms:.1f} ms in them")
    for query in captured.captured_queries:
        print(f"  {float(query['time']) * 1000:6.1f} ms  {' '.join(query['sql'].split())[:150]}")
    profiler = cProfile.Profile()
    profiler.enable()
    get()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.profile_lines)
    print(out.getvalue())


if __name__ == "__main__":
    main()
