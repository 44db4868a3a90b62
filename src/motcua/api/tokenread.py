"""The bearer token's read: the token, its user and that person's own Applicant in one
statement, written once per process instead of compiled by the ORM on every call.

Every API call reads its token; compiling the three-table query costs far more CPU than
running it (issue #21). The statement is the one the ORM would write for
``AccessToken.objects.select_related("user")`` with the person joined on
``Applicant.user``: the same columns (every concrete field of the three models), each
value passed through the converters the ORM applies (SQLite's dates, booleans), and the
instances built with ``Model.from_db``, as a queryset builds them.

The joined Applicant is the person Applicant with the account's personal id, when it is
linked to this account: at most one row matches (one person per personal id, and a
person always has one). ``None`` when there is none (no personal id, no Applicant yet,
or one not linked to this account): ``acting_applicant`` then asks
``current_applicant``, which creates or links it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connections, router
from oauth2_provider.models import get_access_token_model

from motcua.accounts.models import Applicant


@dataclass(frozen=True)
class _Part:
    """One model's columns in the statement: where they are and how to read them."""

    model: type
    start: int
    attnames: tuple[str, ...]
    cols: tuple  # the fields' Col expressions (the converters' argument)
    converters: tuple[tuple[int, tuple], ...]  # (position in the part, converters)
    pk_index: int

    def build(self, db: str, row, connection):
        values = list(row[self.start : self.start + len(self.attnames)])
        if values[self.pk_index] is None:  # an outer join that found nothing
            return None
        for index, converters in self.converters:
            value = values[index]
            for converter in converters:
                value = converter(value, self.cols[index], connection)
            values[index] = value
        return self.model.from_db(db, list(self.attnames), values)


@dataclass(frozen=True)
class _Statement:
    sql: str
    parts: tuple[_Part, ...]


def _part(model, alias: str, start: int, connection) -> tuple[_Part, list[str]]:
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    cols = [field.get_col(alias) for field in fields]
    converters = []
    for index, col in enumerate(cols):
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if found:
            converters.append((index, tuple(found)))
    part = _Part(
        model=model,
        start=start,
        attnames=tuple(field.attname for field in fields),
        cols=tuple(cols),
        converters=tuple(converters),
        pk_index=list(fields).index(model._meta.pk),
    )
    return part, [f"{quote(alias)}.{quote(field.column)}" for field in fields]


def _statement(connection) -> _Statement:
    token_model, user_model = get_access_token_model(), get_user_model()
    quote = connection.ops.quote_name
    token_part, token_cols = _part(token_model, "t", 0, connection)
    user_part, user_cols = _part(user_model, "u", len(token_cols), connection)
    person_part, person_cols = _part(Applicant, "a", len(token_cols) + len(user_cols), connection)
    token_meta, user_meta, person_meta = token_model._meta, user_model._meta, Applicant._meta
    t, u, a = quote("t"), quote("u"), quote("a")

    def column(meta, name: str) -> str:
        return quote(meta.get_field(name).column)

    user_pk = quote(user_meta.pk.column)
    sql = (
        f"SELECT {', '.join(token_cols + user_cols + person_cols)} "
        f"FROM {quote(token_meta.db_table)} {t} "
        f"LEFT OUTER JOIN {quote(user_meta.db_table)} {u} "
        f"ON ({t}.{column(token_meta, 'user')} = {u}.{user_pk}) "
        f"LEFT OUTER JOIN {quote(person_meta.db_table)} {a} "
        f"ON ({a}.{column(person_meta, 'user')} = {u}.{user_pk} "
        f"AND {a}.{column(person_meta, 'kind')} = %s "
        f"AND {a}.{column(person_meta, 'personal_id')} = {u}.{column(user_meta, 'personal_id')}) "
        f"WHERE {t}.{column(token_meta, 'token_checksum')} = %s "
        f"ORDER BY {t}.{quote(token_meta.pk.column)} ASC LIMIT 1"
    )
    return _Statement(sql=sql, parts=(token_part, user_part, person_part))


_STATEMENTS: dict[tuple[str, str], _Statement] = {}


def read_token(checksum: str):
    """(token, user, person) for the token with ``checksum``; (None, None, None) when
    there is none. ``user`` is None for a client-credentials token, ``person`` when the
    person's own Applicant is not (yet) linked to the account (see the module)."""
    db = router.db_for_read(get_access_token_model())
    connection = connections[db]
    key = (db, connection.vendor)
    statement = _STATEMENTS.get(key)
    if statement is None:
        statement = _STATEMENTS[key] = _statement(connection)
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, [Applicant.Kind.PERSON.value, checksum])
        row = cursor.fetchone()
    if row is None:
        return None, None, None
    token, user, person = (part.build(db, row, connection) for part in statement.parts)
    if user is not None:
        token.user = user
        if person is not None:
            person.user = user
    return token, user, person
