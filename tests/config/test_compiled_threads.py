"""A compiled query run by another thread, on that thread's own connection: the data must be
committed, so this module commits (and restores what migrations wrote)."""

import threading

import pytest
from django.db import connection

from config.compiled import Compiled
from libraries.models import Region

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_migrated_data"),
]


def test_another_thread_runs_on_its_own_connection():
    regions = Compiled(lambda code: Region.objects.filter(code=code).values_list("name"), str)
    assert regions("41") == [("Камчатский край",)]
    found = []

    def other():
        try:
            found.append(regions("41"))
            # A new connection has not prepared it yet: closed and reopened, it works again.
            connection.close()
            found.append(regions("25"))
        finally:
            connection.close()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert found == [[("Камчатский край",)], [("Приморский край",)]]
