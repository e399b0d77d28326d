"""`make loadtest`: the production server on loopback against PostgreSQL, driven by wrk.

Makes a fresh PostgreSQL database with the demo seminar plus a generated archive, starts
gunicorn with production settings, runs wrk at 64 connections for 30 s across the main pages and
reports requests per second, latency percentiles, errors and the server's memory (RSS of the
master and workers) at the start and at the end.
"""

import datetime
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import dj_database_url
import psycopg2
from django.conf import settings
from django.core.management import BaseCommand, CommandError

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/metodkopilka_loadtest"

# wrk picks one of these paths per request (a Lua script, written next to the run).
WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  local path = paths[(i %% #paths) + 1]
  return wrk.format("GET", path, {["X-Forwarded-Proto"] = "https", ["Host"] = "127.0.0.1"})
end
done = function(summary, latency, requests)
  io.write(string.format("LATENCY p50=%%.1f p90=%%.1f p99=%%.1f max=%%.1f ms\\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("ERRORS connect=%%d read=%%d write=%%d timeout=%%d status=%%d\\n",
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status))
end
"""

GENERATE = """
import datetime, random
from core.text import sort_key
from libraries.models import Library, Region
from people.models import Person
from seminars.models import Seminar, Talk, TalkSpeaker
from slugify import slugify

if Seminar.objects.count() < {seminars}:
    rng = random.Random(2021)
    regions = list(Region.objects.all())
    libraries = Library.objects.bulk_create([
        Library(name=f"Библиотека № {{n}} имени писателя {{n}}", slug=f"gen-library-{{n}}",
                sort_key=sort_key(f"Библиотека № {{n}}"), region=rng.choice(regions))
        for n in range({libraries})
    ])
    surnames = ["Иванова", "Петрова", "Ёлкина", "Смирнова", "Кузнецова", "Попова", "Соколова"]
    people = Person.objects.bulk_create([
        Person(last_name=f"{{rng.choice(surnames)}}-{{n}}", first_name="Анна", patronymic="Ивановна",
               slug=f"gen-person-{{n}}", sort_key=sort_key(f"Иванова {{n}}"),
               consent=Person.Consent.GIVEN, consent_date=datetime.date(2021, 1, 1))
        for n in range({people})
    ])
    seminars = Seminar.objects.bulk_create([
        Seminar(title=f"Семинар № {{n}}: библиотека и чтение в цифровой среде",
                slug=f"gen-seminar-{{n}}", start_date=datetime.date(2010 + n % 15, 1 + n % 12, 1 + n % 28),
                organizer=rng.choice(libraries), is_published=True,
                published_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc))
        for n in range({seminars})
    ])
    talks = Talk.objects.bulk_create([
        Talk(seminar=seminar, order=order, title=f"Доклад {{order}} о работе с читателями")
        for seminar in seminars for order in range(1, 9)
    ])
    TalkSpeaker.objects.bulk_create([
        TalkSpeaker(talk=talk, person=rng.choice(people), order=1, position="библиотекарь",
                    library=rng.choice(libraries))
        for talk in talks
    ])
print(Seminar.objects.count(), "seminars,", Talk.objects.count(), "talks")
"""


class Command(BaseCommand):
    help = "Нагрузочный тест: gunicorn с боевыми настройками и wrk, 64 соединения, 30 секунд."

    def add_arguments(self, parser):
        parser.add_argument(
            "--database-url", default=os.environ.get("LOADTEST_DATABASE_URL", DEFAULT_URL)
        )
        parser.add_argument("--connections", type=int, default=64)
        parser.add_argument("--duration", type=int, default=30)
        parser.add_argument("--seminars", type=int, default=300)
        parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
        parser.add_argument("--port", type=int, default=8765)

    def handle(self, *args, **options):
        if not shutil.which("wrk"):
            raise CommandError("Нужен wrk: apt-get install wrk (или make loadtest).")
        url = options["database_url"]
        self.fresh_database(url)
        with tempfile.TemporaryDirectory() as folder:
            env = self.environment(url, Path(folder))
            self.prepare(env, options)
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "config.wsgi",
                    "--config",
                    "config/gunicorn.py",
                    "--workers",
                    str(options["workers"]),
                    "--bind",
                    f"127.0.0.1:{options['port']}",
                    "--access-logfile",
                    "/dev/null",
                ],
                cwd=settings.BASE_DIR,
                env=env,
                start_new_session=True,
            )
            try:
                base = f"http://127.0.0.1:{options['port']}"
                self.wait_until_up(base)
                paths = self.warm_up(base, self.paths(base))
                start_memory = self.memory(server.pid)
                report = self.run_wrk(base, paths, options, Path(folder))
                end_memory = self.memory(server.pid)
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)
        self.stdout.write(report)
        self.stdout.write(
            f"SERVER RSS start={start_memory / 1024:.0f} MiB end={end_memory / 1024:.0f} MiB "
            f"({options['workers']} workers + master)"
        )

    def fresh_database(self, url):
        config = dj_database_url.parse(url)
        if config["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError("Нагрузочный тест идёт на PostgreSQL: укажите postgres://… адрес.")
        admin = psycopg2.connect(
            dbname="postgres",
            host=config["HOST"],
            port=config["PORT"] or 5432,
            user=config["USER"],
            password=config["PASSWORD"] or None,
        )
        admin.autocommit = True
        # Made anew each run: the same data every time, and the current migrations.
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
        admin.close()

    def environment(self, url, folder):
        return {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "loadtest-" + "k" * 60),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": url,
            "STATIC_ROOT": str(folder / "static"),
            "MEDIA_ROOT": str(folder / "media"),
        }

    def prepare(self, env, options):
        seminars = options["seminars"]
        script = GENERATE.format(seminars=seminars, libraries=seminars // 2, people=seminars * 2)
        for command in (
            ["migrate", "--noinput", "-v0"],
            ["load_demo"],
            ["shell", "-c", script],
            ["collectstatic", "--noinput", "-v0"],
        ):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=settings.BASE_DIR,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL if "load_demo" in command else None,
            )

    def wait_until_up(self, base):
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise CommandError("gunicorn не запустился.")

    def paths(self, base):
        """The main pages: lists, a filtered list, detail pages of the demo and generated data."""
        paths = [
            "/",
            "/seminars/",
            "/seminars/?year=2021",
            "/talks/",
            "/talks/?q=%D1%87%D1%82%D0%B5%D0%BD%D0%B8%D0%B5",
            "/libraries/",
            "/regions/",
            "/speakers/",
            "/seminars/?page=3",
            "/regions/kamchatskii-krai/",
            "/speakers/gen-person-7/",
            "/libraries/gen-library-3/",
            "/api/seminars/",
            "/feeds/seminars.rss",
        ]
        for number in (1, 50, 150):
            year = 2010 + number % 15
            paths.append(f"/seminars/{year}/gen-seminar-{number}/")
        return paths

    def warm_up(self, base, paths):
        """Loads each page once; keeps the ones that answer 200."""
        working = []
        for path in paths:
            request = urllib.request.Request(base + path, headers={"X-Forwarded-Proto": "https"})
            try:
                with urllib.request.urlopen(request, timeout=30):
                    working.append(path)
            except urllib.error.HTTPError as error:
                self.stderr.write(f"skipped {path}: {error.code}")
        return working

    def run_wrk(self, base, paths, options, folder):
        script = folder / "paths.lua"
        script.write_text(WRK_SCRIPT % ", ".join(f'"{path}"' for path in paths))
        result = subprocess.run(
            [
                "wrk",
                "-t",
                "2",
                "-c",
                str(options["connections"]),
                "-d",
                f"{options['duration']}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        return f"wrk: {len(paths)} paths, started {datetime.datetime.now():%H:%M}\n" + result.stdout

    def memory(self, master_pid):
        """Resident memory of gunicorn's master and workers, in KiB (from /proc)."""
        total = 0
        for pid in [master_pid, *self.children(master_pid)]:
            status = Path(f"/proc/{pid}/status").read_text()
            total += int(
                next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))
            )
        return total

    def children(self, pid):
        path = Path(f"/proc/{pid}/task/{pid}/children")
        return [int(child) for child in path.read_text().split()] if path.exists() else []
