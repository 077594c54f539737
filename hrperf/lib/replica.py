"""Which database alias a read that may be a few seconds old goes through.

With `DATABASE_REPLICA_URL` set, the settings define a second alias, `replica` (a streaming
replica of the primary: read-only, possibly a little behind). Only the reads named for it use
it, by asking `read_alias()`: the payroll feed (its pages, its CSV file and their validator)
and the reports' aggregates. Everything else, every write, and every read that must see what
the same request has just written, stays on `default`. There is no database router: a read
goes to the replica only where its code says so.

Without the setting, `read_alias()` is `default` and nothing changes.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_DB_ALIAS = "replica"


def read_alias() -> str:
    """`replica` when the settings define that alias, else `default`."""
    return REPLICA_DB_ALIAS if REPLICA_DB_ALIAS in connections.settings else DEFAULT_DB_ALIAS
