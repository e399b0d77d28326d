"""Issues 1,000 certificates through the real background worker and measures it.

Builds a PostgreSQL database (made anew) with the demo seminar and N participants marked as
attended, starts `manage.py db_worker` (two by default, one per core) with production settings (DEBUG off), starts «Выдать
сертификаты» as the admin does, and follows the job: the time from start to the last
certificate, and the worker's resident memory (RSS) before, at the middle and at the end.

    .venv/bin/python bench/certificates.py                 # 1,000 participants
    .venv/bin/python bench/certificates.py --count 200 --workers 1
    .venv/bin/python bench/certificates.py --postgres postgres://postgres@127.0.0.1:5432/mk_certbench
"""

import argparse
import datetime
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/mk_certificates_bench"


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid):
    """User and system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def recreate(database_url):
    import psycopg2

    *server, name = database_url.rsplit("/", 1)
    connection = psycopg2.connect(f"{server[0]}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="participants who attended")
    parser.add_argument("--postgres", default=DEFAULT_DATABASE, help="database, made anew")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds allowed")
    parser.add_argument("--workers", type=int, default=2, help="db_worker processes")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="certbench-", dir=ROOT / "artifacts"))
    environment = {
        **os.environ,
        "DATABASE_URL": args.postgres,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "kopilka.example.ru",
        "SITE_URL": "https://kopilka.example.ru",
        "CERTIFICATES_ROOT": str(folder / "certificates"),
        "EMAIL_URL": "locmem://",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    os.environ.update(environment)
    recreate(args.postgres)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], check=True, env=environment)
    subprocess.run([*manage, "load_demo"], check=True, env=environment, stdout=subprocess.DEVNULL)

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.utils import timezone

    from certificates.models import Job
    from certificates.tasks import start
    from registrations.models import CONSENT_VERSION, Registration
    from seminars.models import Seminar

    seminar = Seminar.objects.get()
    consent_at = timezone.make_aware(datetime.datetime(2021, 11, 20, 10))
    first = ["Мария", "Ольга", "Пётр", "Иван", "Анна", "Сергей", "Елена", "Никита"]
    last = ["Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Попов", "Соколов", "Лебедев"]
    Registration.objects.bulk_create(
        Registration(
            seminar=seminar,
            last_name=last[n % 8] + ("а" if n % 2 == 0 else "") + f"-{n}",
            first_name=first[n % 8],
            patronymic="Петровна" if n % 2 == 0 else "Петрович",
            position="библиотекарь",
            locality="Елизово",
            email=f"p{n}@example.ru",
            attended=True,
            consent_version=CONSENT_VERSION,
            consent_at=consent_at,
        )
        for n in range(args.count)
    )

    workers = [
        subprocess.Popen(
            [*manage, "db_worker", "--interval", "0.2", "--no-startup-delay"],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(args.workers)
    ]

    def memory():
        return [rss_mb(worker.pid) for worker in workers]

    try:
        time.sleep(3)  # imports and the first poll
        idle = memory()
        cpu_before = sum(cpu_seconds(worker.pid) for worker in workers)
        job, _ = start(seminar, Job.Action.ISSUE, ["participant"])
        started = time.monotonic()
        samples = []
        middle = None
        while True:
            time.sleep(0.25)
            job.refresh_from_db()
            samples.append((time.monotonic() - started, job.done, memory()))
            if middle is None and job.done >= args.count // 2:
                middle = samples[-1]
            if job.status in (Job.Status.DONE, Job.Status.FAILED):
                break
            for worker in workers:
                if worker.poll() is not None:
                    sys.exit(f"A worker stopped: {worker.stderr.read().decode()[-2000:]}")
        elapsed = time.monotonic() - started
        end_rss = memory()
        cpu = sum(cpu_seconds(worker.pid) for worker in workers) - cpu_before
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(10)

    first_done = next((s for s in samples if s[1] > 0), samples[-1])
    pdfs = list((folder / "certificates").rglob("*.pdf"))
    size = sum(p.stat().st_size for p in pdfs) / max(len(pdfs), 1) / 1024
    print(f"job: {job.get_status_display()} — {job.message}")
    print(
        f"workers' CPU time: {cpu:.1f} s ({cpu / max(job.done, 1) * 1000:.0f} ms per certificate; "
        f"{cpu / (os.cpu_count() or 1):.1f} s of wall time on {os.cpu_count()} idle cores)"
    )
    print(
        f"certificates: {job.done} in {elapsed:.1f} s ({elapsed / max(job.done, 1) * 1000:.0f} ms each), PDFs {size:.0f} KB on average"
    )

    def row(label, values):
        print(f"  {label:<28}" + "".join(f"{value:9.1f}" for value in values))

    print(f"RSS of each of {args.workers} worker(s), MB:")
    row("idle before the job", idle)
    row(f"first certificate ({first_done[1]})", first_done[2])
    if middle:
        row(f"middle ({middle[1]})", middle[2])
    row(f"end ({job.done})", end_rss)
    print(
        f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} cores"
    )
    ok = job.status == Job.Status.DONE and job.done == args.count and elapsed <= args.limit
    print("OK" if ok else f"NOT OK: limit {args.limit:.0f} s")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
