"""Send the monitoring dashboards' reads to the read replica; everything else to default.

A read goes to the replica only when all of these hold: a replica is configured
(``DATABASE_REPLICA_URL``), the model belongs to one of ``MOTCUA_REPLICA_APPS``
(``monitoring``: facts, rollups, targets — tables the dashboards only read), the code
runs inside a dashboard request (``ReplicaReadsMiddleware``) or a ``replica_reads()``
block, and the default connection is not inside a transaction. So a write, a read
that decides a write (``select_for_update``, ``get_or_create``) and the dossier-event
listeners (which run in the dossier's transaction) always see the primary.
"""

from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from .context import replica_reads_allowed


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        replica = settings.MOTCUA_REPLICA_DATABASE
        if not replica or not replica_reads_allowed():
            return None
        if model._meta.app_label not in settings.MOTCUA_REPLICA_APPS:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return replica

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        databases = {DEFAULT_DB_ALIAS, settings.MOTCUA_REPLICA_DATABASE}
        if obj1._state.db in databases and obj2._state.db in databases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary through replication, never through migrations.
        return False if db == settings.MOTCUA_REPLICA_DATABASE else None
