from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries(client, url, params=None):
    """How many SQL queries one successful GET of `url` runs."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)
