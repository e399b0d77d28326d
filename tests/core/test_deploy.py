import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k7Qz-production-test-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "kopilka.example.ru",
    "CSRF_TRUSTED_ORIGINS": "https://kopilka.example.ru",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}

# What the shared-cache check reads: only as a test sets it.
CACHE_ENV = {"WEB_CONCURRENCY", "PAGE_CACHE_SECONDS", "AGGREGATE_CACHE_SECONDS"}


def run_manage(*args, env=None, tmp_path):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {*PRODUCTION_ENV, *CACHE_ENV} and not key.startswith("PYTEST")
    }
    environment.update(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", **(env or {}))
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV, tmp_path=tmp_path
    )

    assert result.stderr == ""
    assert result.returncode == 0
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def test_check_deploy_warns_of_several_workers_without_a_shared_cache(tmp_path):
    local_memory = {key: value for key, value in PRODUCTION_ENV.items() if key != "REDIS_URL"}

    def deploy_check(**env):
        env = {**local_memory, **env}
        return run_manage(
            "check", "--deploy", "--fail-level", "WARNING", env=env, tmp_path=tmp_path
        )

    several = deploy_check(WEB_CONCURRENCY="3")
    assert several.returncode == 1
    assert "metodkopilka.W001" in several.stderr
    assert "3 gunicorn workers with a local-memory cache" in several.stderr
    # One worker, or nothing kept, is consistent on its own.
    assert deploy_check(WEB_CONCURRENCY="1").returncode == 0
    nothing_kept = deploy_check(
        WEB_CONCURRENCY="3", PAGE_CACHE_SECONDS="0", AGGREGATE_CACHE_SECONDS="0"
    )
    assert nothing_kept.returncode == 0


def test_check_deploy_fails_with_development_settings(tmp_path):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env={"DEBUG": "1"}, tmp_path=tmp_path
    )

    assert result.returncode == 1
    assert "security.W018" in result.stderr  # DEBUG on
    assert "security.W004" in result.stderr  # no HSTS


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECRET_KEY"}

    result = run_manage("check", env=env, tmp_path=tmp_path)

    assert result.returncode == 1
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


@pytest.mark.parametrize("path", ["/", "/admin/login/", "/healthz"])
def test_security_headers(client, db, path):
    response = client.get(path)

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_healthz_answers_when_the_database_answers(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\ndatabase: ok\ncache: ok\n"
    assert "no-cache" in response["Cache-Control"]
