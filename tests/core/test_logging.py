"""Every server error reaches stderr (the journal under systemd) with its traceback and the
request's id, which the visitor sees on the 500 page and the response carries in X-Request-ID;
the administrators get one mail per kind of error."""

import gzip
import http.server
import json
import logging
import re
import subprocess
import sys
import threading
import time

import pytest
from django.core import mail
from django.test import Client

from tests.core.servers import ROOT, collect_static, fetch, gunicorn, production_environment

pytestmark = pytest.mark.django_db


@pytest.fixture
def server_with_a_bug(tmp_path):
    environment = production_environment(
        tmp_path / "static",
        DJANGO_SETTINGS_MODULE="tests.core.error_settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    collect_static(environment)
    log = tmp_path / "stderr.log"
    with log.open("w") as stderr, gunicorn(environment, "--workers", "1", stderr=stderr) as base:
        yield base, log


def test_a_500_is_logged_to_stderr_with_its_traceback_and_request_id(server_with_a_bug):
    base, log = server_with_a_bug

    status, headers, body, _ = fetch(f"{base}/broken/", headers={"X-Request-ID": "nginx-7f3a9c2e"})
    generated = fetch(f"{base}/broken/")
    status_ok, headers_ok, _, _ = fetch(f"{base}/robots.txt")

    assert status == 500
    assert headers["X-Request-ID"] == "nginx-7f3a9c2e"
    assert "назовите её номер: <code>nginx-7f3a9c2e</code>" in body
    assert re.fullmatch(r"[0-9a-f]{32}", generated[1]["X-Request-ID"])
    assert status_ok == 200
    assert re.fullmatch(r"[0-9a-f]{32}", headers_ok["X-Request-ID"])
    stderr = log.read_text()
    for request_id in ("nginx-7f3a9c2e", generated[1]["X-Request-ID"]):
        record = re.search(
            rf"ERROR django\.request \[{request_id}\] Internal Server Error: /broken/\n"
            r"Traceback \(most recent call last\):\n(  .*\n)+ValueError: a bug\n",
            stderr,
        )
        assert record, stderr
    assert "robots.txt" not in stderr  # a 200 is in the access log only


def test_a_forged_request_id_is_replaced(settings):
    settings.ROOT_URLCONF = "tests.core.error_urls"
    client = Client(raise_request_exception=False)

    response = client.get("/broken/", HTTP_X_REQUEST_ID="x\nERROR forged line")

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.fixture
def fresh_mail_throttle():
    """Other tests of this process may have raised the same errors within the interval."""
    (handler,) = [h for h in logging.getLogger("django").handlers if hasattr(h, "throttle")]
    handler.throttle.last.clear()


def test_administrators_get_one_mail_per_kind_of_error(settings, fresh_mail_throttle):
    settings.ROOT_URLCONF = "tests.core.error_urls"
    settings.ADMINS = [("Дежурный", "admin@kopilka.example.ru")]
    client = Client(raise_request_exception=False)

    first = client.get("/broken/", HTTP_X_REQUEST_ID="first-request")
    client.get("/broken/", HTTP_X_REQUEST_ID="second-request")
    client.get("/bad-query/")

    assert first.status_code == 500
    assert [message.to for message in mail.outbox] == [["admin@kopilka.example.ru"]] * 2
    broken, bad_query = mail.outbox
    assert broken.subject.startswith("[Методическая копилка] ERROR")
    assert broken.subject.endswith("Internal Server Error: /broken/")
    assert "[first-request] Internal Server Error: /broken/" in broken.body
    assert "ValueError at /broken/" in broken.body
    assert "ProgrammingError" in bad_query.body


class SentryStandIn(http.server.ThreadingHTTPServer):
    """Receives what sentry-sdk sends (envelopes: a header line, then item header and item)."""

    def __init__(self):
        self.events = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(handler):
                body = handler.rfile.read(int(handler.headers["Content-Length"]))
                encoding = handler.headers.get("Content-Encoding")
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "br":  # sentry-sdk prefers Brotli when it is installed
                    import brotli

                    body = brotli.decompress(body)
                lines = body.split(b"\n")
                for header, payload in zip(lines[1::2], lines[2::2], strict=False):
                    if json.loads(header).get("type") == "event":
                        self.events.append(json.loads(payload))
                handler.send_response(200)
                handler.end_headers()

            def log_message(handler, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


def test_errors_go_to_sentry_when_configured(tmp_path):
    stand_in = SentryStandIn()
    threading.Thread(target=stand_in.serve_forever, daemon=True).start()
    environment = production_environment(
        tmp_path / "static",
        DJANGO_SETTINGS_MODULE="tests.core.error_settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SENTRY_DSN=f"http://public-key@127.0.0.1:{stand_in.server_port}/1",
    )
    collect_static(environment)
    with gunicorn(environment, "--workers", "1") as base:
        fetch(f"{base}/broken/", headers={"X-Request-ID": "nginx-sentry-01"})
        for _ in range(100):
            if stand_in.events:
                break
            time.sleep(0.1)
    stand_in.shutdown()
    stand_in.server_close()

    (event,) = stand_in.events
    (exception,) = event["exception"]["values"]
    assert (exception["type"], exception["value"]) == ("ValueError", "a bug")
    assert event["tags"]["request_id"] == "nginx-sentry-01"
    assert "user" not in event or "ip_address" not in event["user"]


def test_sentry_is_not_imported_without_a_dsn(tmp_path):
    environment = production_environment(
        tmp_path / "static", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}"
    )
    environment.pop("SENTRY_DSN", None)
    script = "import django, sys; django.setup(); print('sentry_sdk' in sys.modules)"

    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout == "False\n"
