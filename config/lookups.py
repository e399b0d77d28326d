"""`AnyOf(F("library"), keys)`: a column is one of a list of keys, the list sent as one parameter.

`field__in=keys` prepares and compiles each key on its own: filtering the talk list by the 237
library keys of one region took 1.4 ms in Django before the query reached PostgreSQL.
"""

import json

from django.core.exceptions import EmptyResultSet
from django.db.models import Lookup


class AnyOf(Lookup):
    prepare_rhs = False

    def get_prep_lookup(self):
        # Integers only: the list goes to SQL as one array (PostgreSQL) or JSON text (SQLite).
        return [int(key) for key in self.rhs]

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet  # as `__in=[]`: nothing matches
        lhs, params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            # Of the column's type: a bigint column against integer[] is compared key by key
            # (9 ms instead of 3 for a region's talks at 1M), against bigint[] through a hash.
            array = f"{self.lhs.output_field.cast_db_type(connection)}[]"
            return f"{lhs} = ANY(%s::{array})", [*params, self.rhs]
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*params, json.dumps(self.rhs)]
