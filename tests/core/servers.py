"""The production server (gunicorn, DEBUG off) started by a test, plain HTTP requests to it, and a
TCP proxy that plays a database or cache server going away."""

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
                # The first request loads the application: slow on a busy machine.
                fetch(f"{base}/healthz", timeout=60)
                break
            except OSError:  # not listening yet
                assert process.poll() is None, "gunicorn did not start"
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


class TcpProxy:
    """A TCP proxy to `upstream` (host, port) that a test switches between forwarding, refusing
    connections, accepting new ones without ever answering (`hang`), and going silent on the
    connections already open as well (`stall`: a network partition, a frozen server)."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.mode = "forward"
        self.flowing = threading.Event()
        self.flowing.set()
        self.port = free_port()
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
                    threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()
            # "hang" and "stall": keep the connection open and never read or answer.

    def _pipe(self, source, target):
        try:
            while data := source.recv(65536):
                self.flowing.wait()  # stalled: hold what was read, send nothing
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def _drop_connections(self):
        with self._lock:
            for sock in self.connections:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.connections.clear()

    def _close_listener(self):
        # shutdown() wakes the thread blocked in accept(); close() alone would leave it listening.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()

    def _switch(self, mode):
        self._drop_connections()
        self.mode = mode
        self.flowing.set()
        if self.listener.fileno() == -1:
            self._listen()

    def refuse(self):
        self._close_listener()
        self._drop_connections()

    def hang(self):
        self._switch("hang")

    def stall(self):
        """Open connections stay open but carry nothing either way; new ones hang."""
        self.mode = "stall"
        self.flowing.clear()

    def forward(self):
        self._switch("forward")

    def close(self):
        self.flowing.set()
        self._close_listener()
        self._drop_connections()
