from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries(client, url, params=None):
    """How many SQL queries one successful GET of `url` runs."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def region_library_keys():
    """The query for a region's library keys: SQLite filters talks through their speakers'
    libraries; PostgreSQL reads the talk's own region keys (Talk.region_keys) and needs none."""
    return 0 if connection.vendor == "postgresql" else 1
