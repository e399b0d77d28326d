"""The production server answers 503 within 3 s while PostgreSQL is unreachable or hangs, and
recovers by itself. The database is put behind a small TCP proxy that the test switches between
refusing connections, accepting them and never answering, and forwarding to the real server: the
shared PostgreSQL server itself is never stopped.
"""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


class DatabaseProxy:
    def __init__(self, upstream):
        self.upstream = upstream
        self.mode = "forward"
        self.port = _free_port()
        self.listener = None
        self.connections = []
        self._lock = threading.Lock()
        self._listen()

    def _listen(self):
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed by refuse()
            with self._lock:
                self.connections.append(client)
            if self.mode == "forward":
                server = socket.create_connection(self.upstream)
                with self._lock:
                    self.connections.append(server)
                for source, target in ((client, server), (server, client)):
                    threading.Thread(target=_pipe, args=(source, target), daemon=True).start()
            # "hang": keep the connection open and never read or answer.

    def _drop_connections(self):
        with self._lock:
            for sock in self.connections:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.connections.clear()

    def refuse(self):
        self._close_listener()
        self._drop_connections()

    def _close_listener(self):
        # shutdown() wakes the thread blocked in accept(); close() alone would leave it listening.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()

    def hang(self):
        self._drop_connections()
        self.mode = "hang"
        if self.listener.fileno() == -1:
            self._listen()

    def forward(self):
        self._drop_connections()
        self.mode = "forward"
        if self.listener.fileno() == -1:
            self._listen()

    def close(self):
        self._close_listener()
        self._drop_connections()


def _pipe(source, target):
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url):
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, error.headers, error.read()
    return status, headers, body.decode(), time.monotonic() - started


@pytest.fixture
def server(db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL outage: runs in the PostgreSQL pass of the suite")
    database = connection.settings_dict
    proxy = DatabaseProxy((database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)))
    user = database["USER"]
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("PYTEST")},
        "DEBUG": "0",
        "SECRET_KEY": "outage-test-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(tmp_path / "static"),
        # The test database: its tables exist, and it is reached only through the proxy.
        "DATABASE_URL": f"postgres://{user}{password}@127.0.0.1:{proxy.port}/{database['NAME']}",
        "CONN_MAX_AGE": "60",
        # Cached pages would still be served while the database is away: test the pages.
        "PAGE_CACHE_SECONDS": "0",
        "AGGREGATE_CACHE_SECONDS": "0",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--config",
            "config/gunicorn.py",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=5)
            break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    yield base, proxy
    process.terminate()
    process.wait(timeout=30)
    proxy.close()


def assert_friendly_503(base):
    for path in ("/", "/seminars/", "/healthz"):
        status, headers, body, seconds = fetch(base + path)
        assert (path, status) == (path, 503)
        assert seconds < 3, f"{path} took {seconds:.1f} s"
        assert headers["Retry-After"] == "30" or path == "/healthz"
        assert "Traceback" not in body and "psycopg2" not in body
        if path != "/healthz":
            assert "<h1>Сайт временно недоступен</h1>" in body


def test_unreachable_then_hung_database_gives_503_and_the_site_recovers(server):
    base, proxy = server
    assert fetch(base + "/")[0] == 200
    assert fetch(base + "/healthz")[:1] == (200,)

    proxy.refuse()  # connection refused: the port is closed
    assert_friendly_503(base)

    proxy.hang()  # the port accepts, the database never answers
    assert_friendly_503(base)

    proxy.forward()  # the database is back
    status, _, body, _ = fetch(base + "/")
    assert status == 200
    assert "Методическая копилка" in body
    assert fetch(base + "/healthz")[0] == 200
