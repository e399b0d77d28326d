"""The production server answers 503 within seconds while PostgreSQL is unreachable, hangs on new
connections or stops answering on the ones already open, serves its cached pages meanwhile, and
recovers by itself. The database is put behind a small TCP proxy that the test switches between
refusing connections, accepting them and never answering, holding open ones silent, and
forwarding to the real server: the shared PostgreSQL server itself is never stopped.
"""

import time
from pathlib import Path

import pytest
from django.db import connection

from tests.core.servers import (
    TcpProxy,
    collect_static,
    fetch,
    gunicorn,
    production_environment,
)


@pytest.fixture
def outage(db, tmp_path):
    """Starts a server behind the proxy: `outage(**environment)` → (base URL, proxy, log)."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL outage: runs in the PostgreSQL pass of the suite")
    database = connection.settings_dict
    proxy = TcpProxy((database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)))
    user = database["USER"]
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    log = tmp_path / "gunicorn.log"
    servers = []

    def start(**overrides):
        environment = production_environment(
            tmp_path / "static",
            # The test database: its tables exist, and it is reached only through the proxy.
            DATABASE_URL=f"postgres://{user}{password}@127.0.0.1:{proxy.port}/{database['NAME']}",
            **{
                "CONN_MAX_AGE": "60",
                # Cached pages would still be served while the database is away.
                "PAGE_CACHE_SECONDS": "0",
                "AGGREGATE_CACHE_SECONDS": "0",
                **overrides,
            },
        )
        collect_static(environment)
        stderr = log.open("w")
        server = gunicorn(environment, "--workers", "1", "--log-level", "info", stderr=stderr)
        servers.append((server, stderr))
        return server.__enter__(), proxy, log

    yield start
    for server, stderr in servers:
        server.__exit__(None, None, None)
        stderr.close()
    proxy.close()


def assert_friendly_503(base, paths=("/", "/seminars/", "/healthz"), within=3):
    for path in paths:
        status, headers, body, seconds = fetch(base + path)
        assert (path, status) == (path, 503)
        assert seconds < within, f"{path} took {seconds:.1f} s"
        assert headers["Retry-After"] == "30" or path == "/healthz"
        assert "Traceback" not in body and "psycopg2" not in body
        if path != "/healthz":
            assert "<h1>Сайт временно недоступен</h1>" in body


def answers_again(base, path="/", seconds=10):
    """The first status other than 503 within `seconds` (the worker retries after a pause)."""
    ends = time.monotonic() + seconds
    while (status := fetch(base + path)[0]) == 503 and time.monotonic() < ends:
        time.sleep(0.2)
    return status


def worker_pids(log: Path):
    return [
        line.split("pid: ")[1].strip()
        for line in log.read_text().splitlines()
        if "Booting worker" in line
    ]


def test_unreachable_then_hung_database_gives_503_and_the_site_recovers(outage):
    base, proxy, _ = outage()
    assert fetch(base + "/")[0] == 200
    assert fetch(base + "/healthz")[:1] == (200,)

    proxy.refuse()  # connection refused: the port is closed
    assert_friendly_503(base)

    proxy.hang()  # the port accepts, the database never answers
    assert_friendly_503(base)

    proxy.forward()  # the database is back
    assert answers_again(base) == 200
    status, _, body, _ = fetch(base + "/")
    assert status == 200
    assert "Методическая копилка" in body
    assert fetch(base + "/healthz")[0] == 200


def test_a_database_silent_on_open_connections_gives_503_and_cached_pages_still_answer(outage):
    base, proxy, log = outage(PAGE_CACHE_SECONDS="60")
    assert fetch(base + "/")[0] == 200  # cached now, on a connection kept open
    assert fetch(base + "/healthz")[0] == 200

    proxy.stall()  # every open connection goes silent: packets are lost both ways
    assert_friendly_503(base, ["/seminars/"], within=5)
    assert_friendly_503(base, ["/talks/", "/healthz"], within=5)
    status, _, body, seconds = fetch(base + "/")
    assert (status, seconds < 1) == (200, True)
    assert "Методическая копилка" in body

    proxy.forward()
    assert answers_again(base, "/seminars/") == 200
    assert fetch(base + "/healthz")[0] == 200
    server_log = log.read_text()
    assert "WORKER TIMEOUT" not in server_log
    assert len(worker_pids(log)) == 1  # the same worker answered throughout
