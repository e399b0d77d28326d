"""A regional mailing goes out: registrations arriving at once, against gunicorn and PostgreSQL.

Builds `mk_bench_registrations` afresh (migrate, `load_demo --upcoming`, the upcoming seminar
without a capacity), starts gunicorn with production settings (bench/run.py) and then:

1. posts COUNT registrations spread evenly over SECONDS, each as a visitor does it (GET the page,
   read the CSRF token and cookie, POST the form), from many libraries (a distinct X-Real-IP
   each, as the reverse proxy passes it);
2. posts SAME submissions of one e-mail address at the same instant (a barrier releases them).

Then checks in the database that every registration was stored once, that the address of step 2
has exactly one, and that one confirmation waits in the worker's queue per registration. Prints
the answers, latency percentiles and the counts; exits non-zero on any error.

    .venv/bin/python bench/registrations.py                # 500 in 60 s, 50 at once
    .venv/bin/python bench/registrations.py --count 100 --seconds 10 --same 20
"""

import argparse
import concurrent.futures
import contextlib
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import ROOT, gunicorn, production_env, run

TITLE = "Детская книга в цифровой среде: новые форматы продвижения чтения"
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class Visitor:
    """One browser: its own CSRF cookie, the page first, then the form."""

    def __init__(self, base_url, path, ip):
        self.base_url, self.path, self.ip = base_url, path, ip
        self.cookie = ""
        self.opener = urllib.request.build_opener(NoRedirect())

    def request(self, data=None):
        headers = {
            # The reverse proxy's headers: HTTPS, and the visitor's own address.
            "X-Forwarded-Proto": "https",
            "X-Real-IP": self.ip,
            "Referer": f"https://{self.base_url.split('://')[1]}{self.path}",
        }
        if self.cookie:
            # Sent by hand: the cookie is marked Secure, and the loopback is plain HTTP.
            headers["Cookie"] = self.cookie
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + self.path, body, headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read(), error.headers
        except OSError as error:
            return f"error: {error}", b"", {}

    def prepare(self):
        status, body, headers = self.request()
        if status != 200:
            return None
        for value in headers.get_all("Set-Cookie") or []:
            if value.startswith("csrftoken="):
                self.cookie = value.split(";")[0]
        match = TOKEN.search(body)
        return match.group(1).decode() if match else None


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def form(n, email, region):
    return {
        "last_name": "Иванова",
        "first_name": "Мария",
        "patronymic": "Петровна",
        "position": "библиотекарь",
        "library_text": f"Сельская библиотека № {n}",
        "locality": "с. Мильково",
        "region": region,
        "email": email,
        "phone": "",
        "participation": "online",
        "consent": "on",
        "website": "",
    }


def submit(visitor, data):
    token = visitor.prepare()
    if token is None:
        return "no form", 0.0
    started = time.monotonic()
    status, _, _ = visitor.request({**data, "csrfmiddlewaretoken": token})
    return status, time.monotonic() - started


def percentiles(times):
    if not times:
        return "—"
    times = sorted(times)
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))] * 1000  # noqa: E731
    return f"p50 {p(0.5):.0f} ms, p95 {p(0.95):.0f} ms, max {times[-1] * 1000:.0f} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="mk_bench_registrations")
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--same", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()

    import psycopg2

    admin = psycopg2.connect(f"{args.postgres.rstrip('/')}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{args.database}"')
        cursor.execute(f'CREATE DATABASE "{args.database}"')
    admin.close()
    database = f"{args.postgres.rstrip('/')}/{args.database}"
    static_root = ROOT / "artifacts" / "bench-static"
    env = {**production_env(static_root), "DATABASE_URL": database}
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env)
    run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    run([sys.executable, "manage.py", "load_demo", "--upcoming"], env)
    with contextlib.closing(psycopg2.connect(database)) as db, db.cursor() as cursor:
        db.autocommit = True
        cursor.execute(
            "UPDATE seminars_seminar SET capacity = NULL WHERE title = %s "
            "RETURNING id, slug, extract(year from start_date)::int",
            [TITLE],
        )
        seminar, slug, year = cursor.fetchone()
        cursor.execute("SELECT id FROM libraries_region ORDER BY code")
        regions = [row[0] for row in cursor.fetchall()]
    path = f"/seminars/{year}/{slug}/registration/"

    with gunicorn(env, args.workers) as base_url:
        print(f"gunicorn {args.workers} sync workers, PostgreSQL, {base_url}{path}")
        # Step 1: COUNT visitors, one starting every SECONDS / COUNT.
        interval = args.seconds / args.count
        results = []
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=64) as pool:
            futures = []
            for n in range(args.count):
                delay = started + n * interval - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                visitor = Visitor(base_url, path, f"10.{n // 250}.{n % 250}.1")
                data = form(n, f"participant{n}@example.ru", regions[n % len(regions)])
                futures.append(pool.submit(submit, visitor, data))
            results = [future.result() for future in futures]
        elapsed = time.monotonic() - started
        codes = {}
        for status, _ in results:
            codes[status] = codes.get(status, 0) + 1
        times = [seconds for status, seconds in results if status == 302]
        print(
            f"1. {args.count} registrations in {elapsed:.1f} s: answers {codes}; "
            f"POST {percentiles(times)}"
        )

        # Step 2: SAME submissions of one address, released together.
        barrier = threading.Barrier(args.same)
        email = "same.person@example.ru"

        def at_once(n):
            visitor = Visitor(base_url, path, f"10.200.{n}.1")
            token = visitor.prepare()
            barrier.wait()
            begun = time.monotonic()
            status, body, _ = visitor.request(
                {
                    **form(n, email.upper() if n % 2 else email, regions[0]),
                    "csrfmiddlewaretoken": token,
                }
            )
            duplicate = "уже зарегистрировались".encode() in body
            return status, duplicate, time.monotonic() - begun

        with concurrent.futures.ThreadPoolExecutor(max_workers=args.same) as pool:
            same = list(pool.map(at_once, range(args.same)))
        same_codes = {}
        for status, duplicate, _ in same:
            key = (
                "302"
                if status == 302
                else f"{status}{' уже зарегистрированы' if duplicate else ''}"
            )
            same_codes[key] = same_codes.get(key, 0) + 1
        print(
            f"2. {args.same} at once with one address: answers {same_codes}; "
            f"{percentiles([s for *_, s in same])}"
        )

    with contextlib.closing(psycopg2.connect(database)) as db, db.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(DISTINCT lower(email)) FROM registrations_registration "
            "WHERE seminar_id = %s AND status <> 'cancelled'",
            [seminar],
        )
        stored, distinct = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM registrations_registration WHERE lower(email) = %s", [email]
        )
        [same_stored] = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult "
            "WHERE task_path = 'core.mail.send_message'"
        )
        [letters] = cursor.fetchone()
    print(
        f"Stored: {stored} registrations ({distinct} addresses), {same_stored} for the shared "
        f"address; {letters} confirmations queued for the worker."
    )
    failures = []
    if codes != {302: args.count}:
        failures.append(f"step 1 answered {codes}")
    if stored != args.count + 1 or distinct != stored:
        failures.append(f"expected {args.count + 1} registrations once each, found {stored}")
    if same_stored != 1 or same_codes.get("302") != 1:
        failures.append(f"the shared address has {same_stored} registrations, answers {same_codes}")
    if letters != stored:
        failures.append(f"{letters} letters queued for {stored} registrations")
    if any(not (status == 302 or duplicate) for status, duplicate, _ in same):
        failures.append("a submission of the shared address failed otherwise than as a duplicate")
    if failures:
        sys.exit("FAILED: " + "; ".join(failures))
    print("OK")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
