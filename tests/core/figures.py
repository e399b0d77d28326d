"""A figure for the tests of `core.cache.figure`: importable by path, as the worker needs."""

calls = []


def count(name):
    """How many times this was counted so far, the count included."""
    calls.append(name)
    return len(calls)
