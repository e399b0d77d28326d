"""Times the benchmarked pages inside this process, without a server: what each page itself costs.

    .venv/bin/python bench/pages.py --size 1m                 # every page of bench/run.py
    .venv/bin/python bench/pages.py --size 1m region search   # pages whose name contains a word

Uses an archive that `bench/run.py` built (`mk_bench_<size>`) with the production settings it gives
gunicorn, page cache off, and requests each page with Django's test client: after a warm-up (which
counts the figures), the median and the fastest of `--repeat` requests. The floor view
comes first. Under `wrk -c4` against two workers p50 is about 2 × (this + ~0.3 ms of gunicorn).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

from run import FLOOR, ROOT, SIZES, find_pages, production_env

sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1m", choices=[size for size in SIZES if size != "smoke"])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("names", nargs="*", help="only pages whose name contains one of these")
    args = parser.parse_args()
    client = production_client(args.size, args.postgres)

    pages, _ = find_pages()
    for name, path in [FLOOR, *pages]:
        if args.names and name != FLOOR[0] and not any(word in name for word in args.names):
            continue
        for _ in range(5):
            assert client.get(path).status_code == 200, path
        timings = timed(client, path, args.repeat)
        print(f"{name:30} median {statistics.median(timings):6.2f} ms   min {min(timings):6.2f} ms")


def production_client(size, postgres):
    """Django's test client in this process, on the archive `mk_bench_<size>`, with the settings
    the bench gives gunicorn and the page cache off."""
    static_root = tempfile.mkdtemp(prefix="mk-bench-static-")
    os.environ.update(production_env(static_root))
    os.environ.update(
        DATABASE_URL=f"{postgres}/mk_bench_{size}",
        PAGE_CACHE_SECONDS="0",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True
    )
    import django

    django.setup()
    from django.test import Client

    return Client()


def timed(client, path, repeat):
    """Milliseconds of each of `repeat` requests for `path`."""
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


if __name__ == "__main__":
    main()
