"""A recount in the background thread reads the database through its own connection: the data
must be committed, so these tests commit (and the module restores what migrations wrote)."""

import io

import pytest
from django.core.management import call_command

from config.cache import wait_for_recounts
from seminars.models import Seminar

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_migrated_data"),
]


def test_talks_are_counted_again_in_the_background_after_an_edit(client, background_recounts):
    call_command("load_demo", stdout=io.StringIO())

    def found():
        return client.get("/talks/").context["page"].paginator.count

    before = found()
    Seminar.objects.get().talks.last().delete()  # autocommit: a new generation at once
    during = found()
    wait_for_recounts()

    assert (before, during, found()) == (12, 12, 11)
