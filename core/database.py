"""A web request never waits on PostgreSQL longer than a few seconds, even when the database stops
answering on a connection that is already open.

PostgreSQL's `statement_timeout` (settings) ends a query that runs too long, but only a server
that still answers can enforce it; TCP keepalives and `tcp_user_timeout` notice a dead peer only
after the kernel's retries. A network partition, a frozen server or a failover leaves the worker
blocked in the driver until gunicorn kills it, and the visitor gets no answer at all.

So the web process sends psycopg2's queries through a wait callback (psycopg2's public API for
coroutine libraries): it waits for the socket with a deadline, and when the deadline passes
psycopg2 closes the connection and the request ends in the 503 page (core/errors.py). For a few
seconds after that the process does not wait on the database again (a new connection would hang
the same way), so every request answers at once until the database is back.
"""

import select
import time

import psycopg2
from django.conf import settings
from psycopg2 import extensions

# How long the process answers 503 at once after the database did not answer.
FAIL_FAST_SECONDS = 2


class Deadline:
    def __init__(self):
        self.fail_fast_until = 0.0

    def seconds(self, connection):
        if connection.status == extensions.STATUS_SETUP:
            # libpq ignores connect_timeout on non-blocking connects: it is enforced here.
            parameters = extensions.parse_dsn(connection.dsn)
            return float(parameters.get("connect_timeout") or settings.DATABASE_WAIT_SECONDS)
        return settings.DATABASE_WAIT_SECONDS


deadline = Deadline()


def wait_with_deadline(connection):
    """psycopg2's wait callback: `psycopg2.extras.wait_select` with a time limit."""
    if time.monotonic() < deadline.fail_fast_until:
        raise psycopg2.OperationalError("the database did not answer a moment ago")
    limit = deadline.seconds(connection)
    ends = time.monotonic() + limit
    poller = select.poll()
    while True:
        state = connection.poll()
        if state == extensions.POLL_OK:
            return
        if state == extensions.POLL_READ:
            poller.register(connection.fileno(), select.POLLIN)
        elif state == extensions.POLL_WRITE:
            poller.register(connection.fileno(), select.POLLOUT)
        else:
            raise psycopg2.OperationalError(f"unexpected poll state {state}")
        remaining = ends - time.monotonic()
        if remaining <= 0 or not poller.poll(remaining * 1000):
            deadline.fail_fast_until = time.monotonic() + FAIL_FAST_SECONDS
            raise psycopg2.OperationalError(f"the database did not answer within {limit:g} s")
        poller.unregister(connection.fileno())


def bound_waits():
    """Installs the callback for every PostgreSQL connection of this process (CoreConfig.ready,
    when DATABASE_WAIT_SECONDS is set: the web process)."""
    extensions.set_wait_callback(wait_with_deadline)
