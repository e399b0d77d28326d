"""Times region pages on a skewed archive: what the uniform bench archive cannot show.

`generate_archive` spreads talks evenly (each region ~1.1 %); a real archive is mostly its own
region with a long tail. Inside one transaction that is rolled back at the end, this gives the
bench's region (Калужская область) the libraries of K regions, or makes a new region of one
library, and times the pages that filter by region in process, with the web's 3 s statement
timeout.

    .venv/bin/python bench/skew.py --size 1m --regions 10   # one region with ~11 % of the talks
    .venv/bin/python bench/skew.py --size 1m --small        # a region whose one library spoke ~70 times
"""

import argparse
import statistics
import sys
import time
from urllib.parse import quote

from pages import production_client
from run import SIZES, TEXT, YEARS

REGION = "kaluzhskaia-oblast"
SMALL = "malaia-oblast"


def region_paths(slug):
    text = quote(TEXT)
    return [
        f"/regions/{slug}/",
        f"/talks/?region={slug}",
        f"/talks/?region={slug}&q={text}",
        f"/talks/?region={slug}&year_from={YEARS[0]}&year_to={YEARS[1]}&q={text}",
        f"/talks/?region={slug}&page=500",
        f"/seminars/?region={slug}",
        f"/libraries/?region={slug}",
        f"/feeds/regions/{slug}.rss",
        f"/calendar/regions/{slug}.ics",
        f"/api/talks/?region={slug}",
        f"/api/seminars/?region={slug}",
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1m", choices=[size for size in SIZES if size != "smoke"])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--regions", type=int, default=10, help="regions merged into one")
    parser.add_argument("--small", action="store_true", help="a region of one library instead")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    client = production_client(args.size, args.postgres)

    from django.db import connection, transaction

    from libraries.models import Library, Region

    with transaction.atomic():
        region = Region.objects.get(slug=REGION)
        if args.small:
            library = Library.objects.filter(speaker_roles__isnull=False).order_by("pk").first()
            region = Region.objects.create(
                name="Малая область",
                slug=SMALL,
                code="99",
                federal_district=region.federal_district,
            )
            Library.objects.filter(pk=library.pk).update(region=region)
        else:
            others = Region.objects.exclude(pk=region.pk).order_by("pk")[: args.regions - 1]
            Library.objects.filter(region__in=list(others)).update(region=region)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE libraries_library")
            cursor.execute("SET LOCAL statement_timeout = 3000")
        for path in region_paths(region.slug):
            print(f"{timed(client, path, args.repeat):>10}  {path}", flush=True)
        transaction.set_rollback(True)


def timed(client, path, repeat):
    """The median of `repeat` requests after two (the figures are counted by then), or the error."""
    from django.db import DatabaseError, transaction

    try:
        with transaction.atomic():
            for _ in range(2):
                status = client.get(path).status_code
            timings = []
            for _ in range(repeat):
                started = time.perf_counter()
                client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
    except DatabaseError as error:
        return f"failed: {str(error).splitlines()[0]}"
    return f"{statistics.median(timings):.1f} ms" if status == 200 else f"HTTP {status}"


if __name__ == "__main__":
    sys.exit(main())
