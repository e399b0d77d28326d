"""Production settings plus the failing views of tests/core/error_urls.py, for a server that a
test starts (DJANGO_SETTINGS_MODULE=tests.core.error_settings)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "tests.core.error_urls"
