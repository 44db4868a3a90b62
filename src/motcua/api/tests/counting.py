"""Counting the statements and transactions of a call (the filing's pinned counts).

``Counts`` wraps the default connection for the duration of a ``with`` block:

* **statements** — every statement the connection executes, as Django's own query
  counter sees them (``connection.execute_wrapper``), SAVEPOINT and RELEASE included;
  the ``BEGIN`` SQLite sends for an atomic block is not counted (PostgreSQL sends none
  through the cursor);
* **transactions** — every COMMIT of an outermost atomic block (the connection's
  ``commit`` is wrapped for the block's duration) plus every write statement executed
  in autocommit mode (each is a transaction of its own). Read statements in autocommit
  are not transactions that change anything and are not counted.

Use it in a ``transaction=True`` test, where atomic blocks really commit (in an
ordinary test every block is a savepoint of the test's transaction).
"""

from __future__ import annotations

import re

from django.db import connection

_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
_BEGIN = re.compile(r"^\s*BEGIN\b", re.IGNORECASE)


class Counts:
    def __init__(self):
        self.statements = 0
        self.transactions = 0
        self.sql: list[str] = []

    def _execute(self, execute, sql, params, many, context):
        if not _BEGIN.match(sql):
            self.statements += 1
            self.sql.append(sql)
            if _WRITE.match(sql) and not connection.in_atomic_block:
                self.transactions += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self._execute)
        self._wrapper.__enter__()
        connection.ensure_connection()
        real = connection.connection  # the DB-API connection, wrapped below
        self._real_commit = connection.commit
        outer = self

        def commit():
            outer.transactions += 1
            return outer._real_commit()

        connection.commit = commit
        self._real = real
        return self

    def __exit__(self, *exc):
        del connection.commit  # back to the class's method
        self._wrapper.__exit__(*exc)
        return False

    def __repr__(self) -> str:
        return f"Counts(statements={self.statements}, transactions={self.transactions})"
