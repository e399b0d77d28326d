import os
import threading

import pytest
from django.db import connections

from tests.browser import CHROMIUM, unavailable_reason

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """One Chromium per xdist worker, shared by all its browser tests."""
    if reason := unavailable_reason():
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio event loop running in this thread, so Django would
    # refuse the tests' own ORM calls (SynchronousOnlyOperation) although nothing here is async.
    # Allowed for the browser tests only, for as long as the browser runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # With a running loop, Django's connection registry switches from thread-local storage to a
    # context variable and would hand out fresh connections: without the test database's state
    # (serialized contents for `serialized_rollback`, the `db` fixture's open transaction).
    # Keep the connections opened before Playwright started.
    opened = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    for alias, connection in opened.items():
        connections[alias] = connection
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module", autouse=True)
def browser_tests_commit(restore_migrated_data):
    """Live-server tests commit: what migrations wrote comes back after each module."""


@pytest.fixture
def site(browser, live_server, demo_seminar):
    """The demo data behind a live server; the test's data is loaded inside the test's database."""
    # On in-memory SQLite every server thread uses the test's one connection, and Chromium sends
    # requests in parallel (a page, its autocompletes): two queries at once on that connection
    # once hung a run for good. One request at a time, as Django's LiveServerTestCase asks.
    server = live_server.thread.httpd
    app, lock = server.get_app(), threading.Lock()

    def one_at_a_time(environ, start_response):
        with lock:
            return app(environ, start_response)

    server.set_app(one_at_a_time)
    yield live_server
    server.set_app(app)
    # The server answers each request in a daemon thread that closes the database connections when
    # it is done. One still busy (a stylesheet, a favicon) when the live server stops at the end of
    # the session fails on the in-memory SQLite connection that is then no longer shared.
    for thread in threading.enumerate():
        if thread.name.endswith("(process_request_thread)"):
            thread.join(timeout=10)


@pytest.fixture
def new_page(browser, site):
    """Opens a page in a fresh browser context (own cookies) on the live server."""
    contexts = []

    def new_page(**options):
        # axe-core is injected as an inline script, which a strict Content-Security-Policy forbids:
        # the tests bypass the CSP, the pages themselves keep it.
        context = browser.new_context(
            **{
                "base_url": site.url,
                "locale": "ru-RU",
                "viewport": {"width": 1280, "height": 900},
                "bypass_csp": True,
                **options,
            }
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
