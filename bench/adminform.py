"""Times the change form of a seminar with 20 talks against an existing archive database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mk_bench_100k DEBUG=0 \
        SECRET_KEY=... ALLOWED_HOSTS=testserver .venv/bin/python bench/adminform.py [--talks 20]

Read-only apart from the `bench-admin` superuser that bench/run.py creates too. Prints, for each
of several requests after a warm-up one: milliseconds (wall clock, and CPU time spent in this
process: the machine may be busy), kilobytes of HTML and SQL queries.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--talks", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seminar", type=int, help="a seminar's pk instead of one with --talks")
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from seminars.models import Seminar, TalkSpeaker

    if args.seminar:
        seminar = Seminar.objects.get(pk=args.seminar)
    else:
        # The seminar bench/run.py opens in the admin.
        seminar = (
            Seminar.objects.published()
            .filter(talks__order=args.talks)
            .exclude(talks__order=args.talks + 1)
            .order_by("-start_date", "id")
            .first()
        )
    speakers = TalkSpeaker.objects.filter(talk__seminar=seminar).count()
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    url = reverse("admin:seminars_seminar_change", args=[seminar.pk])
    print(f"seminar {seminar.pk}: {seminar.talks.count()} talks, {speakers} speakers — {url}")
    client.get(url, secure=True)
    timings = []
    for _ in range(args.repeat):
        with CaptureQueriesContext(connection) as captured:
            started, cpu = time.monotonic(), time.process_time()
            response = client.get(url, secure=True)
            elapsed = (time.monotonic() - started) * 1000
            cpu = (time.process_time() - cpu) * 1000
        assert response.status_code == 200, response.status_code
        timings.append(elapsed)
        print(
            f"{elapsed:7.0f} ms ({cpu:4.0f} ms CPU in Django)  {len(response.content) / 1024:6.0f} KB"
            f"  {len(captured):4d} queries"
        )
    timings.sort()
    print(f"fastest {timings[0]:.0f} ms, median {timings[len(timings) // 2]:.0f} ms")


if __name__ == "__main__":
    main()
