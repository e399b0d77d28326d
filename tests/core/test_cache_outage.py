"""Redis is an optimisation, never a dependency: with it down, refusing or silent, every public
page answers as it does with Redis up — built from the database, slower — the failure is logged
once a minute, /healthz says «degraded», and the pages are fresh again once Redis is back."""

import logging
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import cache_backend
from core.logs import Throttle
from tests.core.public_urls import read, working_urls
from tests.core.servers import (
    ROOT,
    TcpProxy,
    collect_static,
    fetch,
    free_port,
    gunicorn,
    production_environment,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_outage():
    """The outage state is per process: each test starts with Redis taken to be up."""
    state = cache_backend.outage
    state.since, state.retry_at, state.log = None, 0.0, Throttle(cache_backend.LOG_INTERVAL_SECONDS)


@pytest.fixture
def use_redis(settings, fresh_outage):
    """Points the cache at `port`, with the page cache and the figures on, as in production."""

    def use(port):
        settings.CACHES = {
            "default": {
                "BACKEND": "core.cache_backend.TolerantRedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
                "OPTIONS": {
                    "socket_timeout": 0.3,
                    "socket_connect_timeout": 0.3,
                    "retry_seconds": 0.2,
                },
            }
        }
        settings.PAGE_CACHE_SECONDS = 60
        settings.AGGREGATE_CACHE_SECONDS = 60

    return use


@pytest.fixture
def redis_server():
    """A real redis-server of our own, on a free port, keeping nothing on disk."""
    port = free_port()
    server = ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
    process = subprocess.Popen(
        [*server, "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL
    )
    for _ in range(100):
        if subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).stdout:
            break
        time.sleep(0.05)
    yield port
    process.terminate()
    process.wait(timeout=10)


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def cache_warnings(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "core.cache_backend"]


def test_with_redis_refusing_every_public_url_answers_as_without_it(
    client, demo_seminar, use_redis, caplog
):
    def status(url):
        response = client.get(url)
        read(response)
        return response.status_code

    expected = {url: status(url) for url in working_urls(client).values()}
    use_redis(free_port())  # nothing listens there

    with caplog.at_level(logging.WARNING, logger="core.cache_backend"):
        answered = {url: status(url) for url in expected}
        health = client.get("/healthz")

    assert len(expected) > 30
    assert answered == expected
    assert set(expected.values()) == {200}
    assert (health.status_code, health.content) == (
        200,
        b"degraded\ndatabase: ok\ncache: unavailable\n",
    )
    (warning,) = cache_warnings(caplog)  # once, not once per request
    assert warning.startswith("Cache unavailable, pages and figures are built from the database")


def test_pages_are_fresh_after_redis_comes_back(
    client, demo_seminar, use_redis, redis_server, caplog, django_capture_on_commit_callbacks
):
    proxy = TcpProxy(("127.0.0.1", redis_server))
    use_redis(proxy.port)
    get(client, "/")
    assert get(client, "/")[1] == 0  # from Redis
    assert client.get("/healthz").content == b"ok\ndatabase: ok\ncache: ok\n"

    proxy.refuse()
    with caplog.at_level(logging.WARNING, logger="core.cache_backend"):
        response, queries = get(client, "/")
        assert (response.status_code, queries > 0) == (200, True)
        assert client.get("/healthz").status_code == 200
        # An edit while Redis is away: its new archive generation cannot be stored.
        with django_capture_on_commit_callbacks(execute=True):
            demo_seminar.title = "Семинар, изменённый без Redis"
            demo_seminar.save()
        proxy.hang()  # Redis accepts but never answers: each wait ends at the socket timeout
        started = time.monotonic()
        assert get(client, "/seminars/")[0].status_code == 200
        assert time.monotonic() - started < 1.5
        proxy.forward()
        time.sleep(0.3)  # past retry_seconds
        response, _ = get(client, "/")

    assert "Семинар, изменённый без Redis" in response.content.decode()
    assert get(client, "/")[1] == 0  # cached in Redis again
    assert client.get("/healthz").content == b"ok\ndatabase: ok\ncache: ok\n"
    warnings = cache_warnings(caplog)
    assert len(warnings) == 2
    assert warnings[1].startswith("Cache available again after")
    proxy.close()


def test_a_production_server_with_redis_down_serves_pages(tmp_path, db):
    """REDIS_URL pointing at a closed port, as the probe found it: every page was a 500."""
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    environment = production_environment(
        tmp_path / "static", DATABASE_URL=database, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"
    )
    migrate = [sys.executable, "manage.py", "migrate", "-v0"]
    subprocess.run(migrate, cwd=ROOT, env=environment, check=True)
    collect_static(environment)
    log = tmp_path / "stderr.log"
    with log.open("w") as stderr, gunicorn(environment, "--workers", "1", stderr=stderr) as base:
        statuses = {
            path: fetch(base + path)[0] for path in ("/", "/seminars/", "/talks/", "/regions/")
        }
        health = fetch(base + "/healthz")

    assert statuses == {"/": 200, "/seminars/": 200, "/talks/": 200, "/regions/": 200}
    assert (health[0], health[2]) == (200, "degraded\ndatabase: ok\ncache: unavailable\n")
    assert log.read_text().count("Cache unavailable") == 1
