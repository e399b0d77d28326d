"""A figure for the tests of `core.cache.figure`: importable by path, as the worker needs."""

calls = []


def count(name):
    """How many times this was counted so far, the count included."""
    calls.append(name)
    return len(calls)


def sleep(seconds):
    """A figure that takes `seconds` of PostgreSQL's time to count."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [seconds])
    return seconds
