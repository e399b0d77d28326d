"""The production server (gunicorn, DEBUG off) started by a test, and plain HTTP requests to it."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url, timeout=20, headers=None):
    """(status, headers, body, seconds) of a GET, whatever the status."""
    started = time.monotonic()
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, error.headers, error.read()
    return status, headers, body.decode(), time.monotonic() - started


def production_environment(static_root, **overrides):
    """The environment of a production server on loopback; `overrides` are added as they are."""
    return {
        **{key: value for key, value in os.environ.items() if not key.startswith("PYTEST")},
        "DEBUG": "0",
        "SECRET_KEY": "outage-test-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(static_root),
        **overrides,
    }


def collect_static(environment):
    """DEBUG off serves hashed static names from STATIC_ROOT's manifest: the pages need it."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=environment,
        check=True,
        timeout=120,
    )


@contextlib.contextmanager
def gunicorn(environment, *arguments, stderr=subprocess.DEVNULL):
    """Runs `gunicorn config.wsgi` with config/gunicorn.py on a free port; yields its base URL
    once it answers `/healthz` (whatever the status)."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--config",
            "config/gunicorn.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            *arguments,
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                fetch(f"{base}/healthz", timeout=5)
                break
            except (urllib.error.URLError, ConnectionError):
                assert process.poll() is None, "gunicorn did not start"
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
