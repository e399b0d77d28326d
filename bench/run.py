"""`make bench`: the public pages against Django's own floor, at 10k, 100k and 1M talks.

For each size: builds (or reuses) a PostgreSQL database `mk_bench_<size>` with `generate_archive`,
finds the pages to measure in it, EXPLAINs every query those pages run, then starts gunicorn with
production settings on loopback twice — with the page cache and without — and measures each page
with wrk after a warm-up. Prints one Markdown table per size (ratios to the floor view measured by
the same server) and, for several sizes, how each page grows. Results also go to artifacts/bench/.

    bench/run.py                      # 10k, 100k, 1m
    bench/run.py --sizes 10k,100k     # skip the million
    bench/run.py --smoke              # CI: 2,000 talks, one short pass, fails on any error
"""

import argparse
import concurrent.futures
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts" / "bench"
SIZES = {"smoke": 2_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
FLOOR = ("floor", "/_bench/floor/")
TALK_TABLES = {"seminars_talk"}
ADMIN_APPS = {"libraries", "people", "seminars"}
SEED = 1
TEXT = "чтения"
YEARS = (2010, 2020)

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %.0f %.0f %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95),
    e.status + e.connect + e.read + e.write + e.timeout))
end
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1m")
    parser.add_argument("--smoke", action="store_true", help="2,000 talks, 1 s per page")
    parser.add_argument(
        "--postgres", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--duration", type=int, default=8, help="seconds of measurement per page")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per page")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--redis", action="store_true", help="cache in Redis (REDIS_URL) instead of local memory"
    )
    parser.add_argument("--inspect", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inspect:
        return inspect()
    if args.smoke:
        args.sizes, args.duration, args.warmup = "smoke", 1, 0
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk (make bench does it).")

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    static_root = Path(tempfile.mkdtemp(prefix="mk-bench-static-"))
    base_env = production_env(static_root)
    run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], base_env)
    results, failures = {}, []
    for label in args.sizes.split(","):
        database = f"{args.postgres.rstrip('/')}/mk_bench_{label}"
        env = {**base_env, "DATABASE_URL": database}
        prepare_database(args.postgres, label, SIZES[label], env)
        # No worker runs here: a recount asked for after the edit below is only queued.
        inspect_env = {
            **env,
            "PAGE_CACHE_SECONDS": "0",
            "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        }
        inspected = json.loads(run([sys.executable, __file__, "--inspect"], inspect_env))
        pages = [FLOOR, *inspected["pages"]]
        result = {
            "talks": SIZES[label],
            "pages": pages,
            "explain": inspected["explain"],
            "runs": {},
        }
        for mode, seconds in (("cached", "300"), ("uncached", "0")):
            server_env = {**env, "PAGE_CACHE_SECONDS": seconds}
            if args.redis:
                server_env["REDIS_URL"] = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
            with gunicorn(server_env, args.workers) as base_url:
                result["runs"][mode] = {
                    name: measure(base_url, path, args, failures) for name, path in pages
                }
        results[label] = result
        (ARTIFACTS / f"{label}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
        result["admin"] = inspected.get("admin", [])
        print(size_table(label, result, args), flush=True)
    if len(results) > 1:
        print(growth_table(results), flush=True)
    shutil.rmtree(static_root, ignore_errors=True)
    # On a small table a sequential scan is the planner's right choice; from 100k talks it is a bug.
    seq_scans = [
        f"{label}: {name}"
        for label, r in results.items()
        for name, e in r["explain"].items()
        if r["talks"] >= 100_000 and e["talk_seq_scans"]
    ]
    if seq_scans:
        failures.append(f"sequential scans over the talks table: {', '.join(seq_scans)}")
    if failures:
        sys.exit("bench failed:\n" + "\n".join(failures))


def production_env(static_root):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "STATIC_ROOT": str(static_root),
        "BENCH_FLOOR": "1",
        "SECURE_SSL_REDIRECT": "0",
        "CONN_MAX_AGE": "600",
    }
    env.pop("REDIS_URL", None)
    return env


def run(command, env):
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(map(str, command))} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare_database(server, label, talks, env):
    """Reuses `mk_bench_<label>` if it holds exactly `talks` talks, otherwise builds it afresh."""
    import psycopg2

    name = f"mk_bench_{label}"
    admin = psycopg2.connect(f"{server.rstrip('/')}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
    if exists:
        run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env)
        with contextlib.closing(psycopg2.connect(env["DATABASE_URL"])) as db, db.cursor() as cursor:
            db.autocommit = True
            cursor.execute("SELECT count(*) FROM seminars_talk")
            if cursor.fetchone()[0] == talks:
                print(f"{label}: reusing {name}", file=sys.stderr, flush=True)
                # Migrations may have added indexes, and autovacuum may not have set the
                # visibility map yet: as generate_archive leaves a new archive.
                cursor.execute("VACUUM ANALYZE")
                admin.close()
                return
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    print(f"{label}: building {name} with {talks:,} talks", file=sys.stderr, flush=True)
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env)
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "manage.py", "generate_archive", "--talks", str(talks), "--seed", str(SEED)],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    print(f"{label}: generated in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)


@contextlib.contextmanager
def gunicorn(env, workers):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log_fd, log_name = tempfile.mkstemp(prefix="mk-bench-gunicorn-", suffix=".log")
    command = [
        str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--worker-class", "sync", "--error-logfile", log_name,
    ]  # fmt: skip
    # Each worker counts the whole-archive figures once (no background worker runs here, and the
    # local-memory cache is per process); at 1M talks that takes longer than the 3 s a production
    # request may query, after which production's worker counts them instead.
    env = {"DATABASE_STATEMENT_TIMEOUT": "60000", **env}
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_fd, stderr=log_fd)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while fetch(base_url + FLOOR[1])[0] != 200:
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit(f"gunicorn did not start; see {log_name}")
            time.sleep(0.2)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)
        os.close(log_fd)


def fetch(url):
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""
    except OSError:
        return None, b""


def settle(url, connections, fast=0.5, limit=180):
    """Concurrent requests until every one is fast: each worker has counted its figures.

    With the default local-memory cache each gunicorn worker counts the archive-wide figures
    once for itself; at 1M talks that takes longer than a timed warm-up and would be measured.
    """
    deadline = time.monotonic() + limit
    with concurrent.futures.ThreadPoolExecutor(connections) as pool:
        while time.monotonic() < deadline:
            if max(pool.map(timed_fetch, [url] * connections)) < fast:
                return


def timed_fetch(url):
    started = time.monotonic()
    fetch(url)
    return time.monotonic() - started


def measure(base_url, path, args, failures):
    status, body = fetch(base_url + path)
    if status != 200:
        failures.append(f"{path}: HTTP {status}")
        return {"status": status}
    settle(base_url + path, args.connections)
    if args.warmup:
        wrk(base_url + path, args.warmup, args.connections)
    requests, duration, p50, p95, errors = wrk(base_url + path, args.duration, args.connections)
    if errors:
        failures.append(f"{path}: {errors} failed requests")
    return {
        "status": status,
        "bytes": len(body),
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "rps": requests / (duration / 1_000_000),
        "errors": errors,
    }


def wrk(url, seconds, connections):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    done = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script.name,
         "-H", "X-Forwarded-Proto: https", url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    os.unlink(script.name)
    line = next(line for line in done.stdout.splitlines() if line.startswith("BENCH "))
    return [int(value) for value in line.split()[1:]]


def size_table(label, result, args):
    floor = {mode: run["floor"].get("p50_ms") for mode, run in result["runs"].items()}
    lines = [
        f"### {result['talks']:,} talks",
        "",
        f"PostgreSQL, gunicorn {args.workers} sync workers, wrk 2 threads × {args.connections}"
        f" connections, {args.duration} s per page after {args.warmup} s warm-up.",
        "",
        "| page | cached p50 ms | p95 ms | req/s | × floor | uncached p50 ms | p95 ms | req/s | × floor |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, _ in result["pages"]:
        cells = [name]
        for mode in ("cached", "uncached"):
            m = result["runs"][mode][name]
            if "p50_ms" not in m:
                cells += [f"HTTP {m['status']}", "", "", ""]
                continue
            ratio = m["p50_ms"] / floor[mode] if floor[mode] else 0
            cells += [f"{m['p50_ms']:.2f}", f"{m['p95_ms']:.2f}", f"{m['rps']:.0f}", f"{ratio:.1f}"]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "EXPLAIN of every query a page runs without the page cache, in process: per request;"
        " the first request after an archive change (the previous figures, a recount queued"
        " for the worker); and the very first request, which counts every figure itself.",
        "",
        "| page | queries per request | seq scans on talks | other seq scans"
        " | first after an edit: ms | nothing kept yet: queries | seq scans on talks | ms |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for name, _ in result["pages"][1:]:
        e = result["explain"][name]
        others = ", ".join(sorted(set(e["seq_scans"]) - TALK_TABLES)) or "—"
        lines.append(
            f"| {name} | {e['queries']} | {e['talk_seq_scans']} | {others}"
            f" | {e['after_edit_ms']:.0f} | {e['cold_queries']}"
            f" | {e['cold_talk_seq_scans']} | {e['cold_ms']:.0f} |"
        )
    lines.append("")
    lines.append("Pages: " + "; ".join(f"{name} `{path}`" for name, path in result["pages"]))
    if result.get("admin"):
        lines += ["", "Admin, one request each as a superuser (warm):", "", "| page | ms | KB |"]
        lines.append("| --- | ---: | ---: |")
        for row in result["admin"]:
            status = "" if row["status"] == 200 else f" (HTTP {row['status']})"
            lines.append(f"| {row['page']}{status} | {row['ms']:.0f} | {row['bytes'] / 1024:.0f} |")
    return "\n".join(lines) + "\n"


def growth_table(results):
    first, *_, last = results
    lines = [
        f"### Growth from {results[first]['talks']:,} to {results[last]['talks']:,} talks (p50)",
        "",
        f"| page | cached {first} | cached {last} | growth | uncached {first} | uncached {last} | growth |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, _ in results[last]["pages"]:
        cells = [name]
        for mode in ("cached", "uncached"):
            a = results[first]["runs"][mode].get(name, {}).get("p50_ms")
            b = results[last]["runs"][mode].get(name, {}).get("p50_ms")
            cells += [f"{a:.2f}", f"{b:.2f}", f"{b / a:.2f}"] if a and b else ["", "", ""]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def find_pages():
    """The pages to measure in the archive the settings point to (inside Django), and the seminar
    whose change form the admin timings open."""
    from django.urls import NoReverseMatch, reverse

    from libraries.models import Library
    from seminars.models import Seminar, TalkSpeaker

    def url(name, *args, query=""):
        try:
            return reverse(name, args=args) + query
        except NoReverseMatch:
            return None

    def absolute(obj):
        try:
            return obj.get_absolute_url() if obj else None
        except NoReverseMatch:
            return None

    seminar = (
        Seminar.objects.published()
        .filter(talks__order=20)
        .exclude(talks__order=21)
        .order_by("-start_date", "id")
        .first()
    )
    speaker = (
        TalkSpeaker.objects.filter(person__consent="given", talk__seminar_published=True)
        .select_related("person")
        .order_by("id")
        .first()
    )
    library = (
        Library.objects.published()
        .filter(parent__isnull=True, branches__isnull=False)
        .order_by("id")
        .first()
    )
    region = library.region if library else None
    region_query = f"?region={region.slug}" if region else ""
    pages = [
        ("home", url("seminars:home")),
        ("seminar list", url("seminars:seminar_list")),
        ("seminar, 20 talks", absolute(seminar)),
        ("talks", url("seminars:talk_list")),
        ("talks, page 1000", url("seminars:talk_list", query="?page=1000")),
        ("talks by region", url("seminars:talk_list", query=region_query)),
        (
            "talks by region+years+text",
            url(
                "seminars:talk_list",
                query=f"{region_query}&year_from={YEARS[0]}&year_to={YEARS[1]}&q={quote(TEXT)}",
            ),
        ),
        ("speaker", absolute(speaker.person if speaker else None)),
        ("library with branches", absolute(library)),
        ("region", absolute(region)),
        ("search", url("seminars:search", query=f"?q={quote(TEXT)}")),
        ("API: seminars", url("api:seminar-list")),
        ("API: talks by region", url("api:talk-list", query=region_query)),
    ]
    return [(name, path) for name, path in pages if path], seminar


def inspect():
    """Runs inside the project's settings: which pages to measure, and EXPLAIN of their queries."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core.cache import new_generation

    pages, seminar = find_pages()
    client = Client()
    explain = {}
    for name, path in pages:
        # The first request counts the figures the page shows (core/cache.py); the second runs
        # only what every request runs; after an edit the previous figures show.
        cold = explain_request(client, path, connection, CaptureQueriesContext)
        warm = explain_request(client, path, connection, CaptureQueriesContext)
        new_generation()
        started = time.monotonic()
        client.get(path, secure=True)
        after_edit_ms = (time.monotonic() - started) * 1000
        explain[name] = {
            "after_edit_ms": after_edit_ms,
            "queries": len(warm),
            "seq_scans": sorted({table for scans in warm for table in scans}),
            "talk_seq_scans": sum(table in TALK_TABLES for scans in warm for table in scans),
            "cold_queries": len(cold),
            "cold_talk_seq_scans": sum(table in TALK_TABLES for scans in cold for table in scans),
            "cold_ms": cold.elapsed_ms,
        }
    print(json.dumps({"pages": pages, "explain": explain, "admin": admin_timings(Client, seminar)}))


def admin_timings(client_class, seminar):
    """Every archive changelist and one change form each, as a superuser (second request)."""
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = client_class()
    client.force_login(user)
    rows = []
    for model in admin.site._registry:
        opts = model._meta
        if opts.app_label not in ADMIN_APPS:
            continue
        obj = seminar if model is type(seminar) else model.objects.order_by("-pk").first()
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        for view, path in (
            ("changelist", reverse(f"{prefix}_changelist")),
            ("change form", reverse(f"{prefix}_change", args=[obj.pk]) if obj else None),
        ):
            if path is None:
                continue
            client.get(path, secure=True)
            started = time.monotonic()
            response = client.get(path, secure=True)
            rows.append(
                {
                    "page": f"{opts.verbose_name_plural}: {view}",
                    "status": response.status_code,
                    "ms": (time.monotonic() - started) * 1000,
                    "bytes": len(response.content),
                }
            )
    return rows


class Explained(list):
    elapsed_ms = 0


def explain_request(client, path, connection, capture):
    """The tables each query of one request scans sequentially, one list per query."""
    started = time.monotonic()
    with capture(connection) as queries:
        client.get(path, secure=True)
    result = Explained()
    result.elapsed_ms = (time.monotonic() - started) * 1000
    for query in queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        result.append(list(sequential_scans(plan[0]["Plan"])))
    return result


def sequential_scans(plan):
    if plan.get("Node Type") == "Seq Scan":
        yield plan["Relation Name"]
    for child in plan.get("Plans", []):
        yield from sequential_scans(child)


if __name__ == "__main__":
    main()
