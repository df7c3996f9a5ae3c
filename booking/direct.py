"""Core statements run on the database driver's own cursor, for the hottest paths.

Profiling the API's booking path put SQLAlchemy's per-execution bookkeeping
at 65-70 µs for a statement that SQLite runs in 4 µs (an ORM query: 225 µs),
over some fifteen statements per booking: most of a worker's CPU.
A ``Direct`` statement is still written with SQLAlchemy and compiled by it,
once per dialect; running it applies the same bind and result processing of
the column types (dates on SQLite, our UTC datetimes) and raises SQLAlchemy's
own exception classes (``IntegrityError``, ``OperationalError``...), so callers
and error handlers cannot tell the difference. What it skips: execution
events (the app listens to none per statement), compiled-cache lookups, and
building result objects.

Run them on ``connection_of(session)`` (which flushes pending changes first,
as a query would) or on an engine ``Connection``: either begins the
transaction the way every other statement does (``BEGIN IMMEDIATE`` for the
SQLite writer), and the driver's connection is then used inside it.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import exc, inspect
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.sql import Executable

Processor = Callable[[Any], Any] | None


def connection_of(session: Session) -> Connection:
    """The session's connection, after the flush an ORM query would have done."""
    if session.autoflush:
        session.flush()  # nothing to do (and cheap) when nothing is pending
    return session.connection()


@dataclass(frozen=True)
class _Plan:
    sql: str
    names: tuple[str, ...]  # bind names, in positional order where the driver wants it
    positional: bool
    defaults: dict[str, Any]  # values bound in the statement itself (literals)
    binds: tuple[tuple[str, Processor], ...]
    results: tuple[Processor, ...]


class Direct:
    """A Core statement (no expanding IN parameters) run on the driver's cursor."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._plans: dict[str, _Plan] = {}

    def _plan(self, dialect: Dialect) -> _Plan:
        plan = self._plans.get(dialect.name)
        if plan is None:
            plan = self._plans[dialect.name] = self._compile(dialect)
        return plan

    def _compile(self, dialect: Dialect) -> _Plan:
        compiled = self.statement.compile(dialect=dialect)
        if any(bind.expanding for bind in compiled.binds.values()):
            raise ValueError("Direct statements cannot take expanding (IN list) parameters")
        names = tuple(compiled.positiontup) if compiled.positional else tuple(compiled.binds)
        defaults = {name: bind.effective_value for name, bind in compiled.binds.items()
                    if not bind.required}
        binds = tuple((name, compiled.binds[name].type.dialect_impl(dialect)
                       .bind_processor(dialect)) for name in dict.fromkeys(names))
        columns = getattr(self.statement, "exported_columns", ())
        results = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None)
                        for column in columns)
        return _Plan(compiled.string, names, compiled.positional, defaults, binds, results)

    def _params(self, plan: _Plan, params: Mapping[str, Any]) -> tuple | dict:
        values = dict(plan.defaults, **params) if plan.defaults else dict(params)
        for name, process in plan.binds:
            if process is not None:
                values[name] = process(values[name])
        return tuple(values[name] for name in plan.names) if plan.positional else values

    def _run(self, connection: Connection, params: Mapping[str, Any] | Sequence[Mapping],
             many: bool = False) -> list[tuple]:
        plan = self._plan(connection.dialect)
        if many:
            _on_driver(connection, plan.sql, [self._params(plan, p) for p in params], many=True)
            return []
        rows = _on_driver(connection, plan.sql, self._params(plan, params))
        if not any(plan.results):
            return rows
        return [tuple(value if process is None else process(value)
                      for process, value in zip(plan.results, row)) for row in rows]

    def all(self, connection: Connection, **params: Any) -> list[tuple]:
        return self._run(connection, params)

    def first(self, connection: Connection, **params: Any) -> tuple | None:
        rows = self._run(connection, params)
        return rows[0] if rows else None

    def scalar(self, connection: Connection, **params: Any) -> Any:
        rows = self._run(connection, params)
        return rows[0][0] if rows else None

    def execute(self, connection: Connection, **params: Any) -> None:
        self._run(connection, params)

    def execute_many(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        self._run(connection, rows, many=True)


def _on_driver(connection: Connection, sql: str, params=None, many: bool = False) -> list:
    """Run SQL on the driver's cursor: its rows, and errors as SQLAlchemy raises them."""
    driver = cursor = None
    try:
        # Inside the try: a connection the server closed fails right here.
        driver = connection.connection.driver_connection
        cursor = driver.cursor()
        if many:
            cursor.executemany(sql, params)
        elif params is None:
            cursor.execute(sql)
        else:
            cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []
    except connection.dialect.loaded_dbapi.Error as error:
        raise _translated(connection, sql, params, error, driver, cursor) from error
    finally:
        if cursor is not None:
            cursor.close()


def _translated(connection: Connection, sql: str, params, error: Exception, driver,
                cursor) -> exc.DBAPIError:
    """The driver's error as SQLAlchemy raises it; a lost connection is invalidated."""
    dialect = connection.dialect
    lost = dialect.is_disconnect(error, driver, cursor)
    if lost:
        connection.invalidate(error)
    return exc.DBAPIError.instance(sql, params, error, dialect.loaded_dbapi.Error,
                                   connection_invalidated=lost, dialect=dialect)


@contextmanager
def savepoint(connection: Connection, name: str = "direct_write") -> Iterator[None]:
    """A SAVEPOINT on the driver's connection, inside the current transaction.

    On an error the work since the savepoint is rolled back and the
    transaction goes on (PostgreSQL would otherwise refuse every later
    statement in it).
    """
    _on_driver(connection, f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        # A lost connection has nothing to roll back to (the error says so);
        # nor does one whose rollback fails: the first error is the one to tell.
        if not connection.invalidated:
            try:
                _on_driver(connection, f"ROLLBACK TO SAVEPOINT {name}")
            except exc.DBAPIError:
                pass
        raise
    _on_driver(connection, f"RELEASE SAVEPOINT {name}")


def as_loaded(session: Session, model: type, values: Sequence[Any]):
    """An ORM object from its table's columns, in the table's order, as a query loads it.

    ``values`` is a row of ``select(*Model.__table__.c)`` (extra columns after
    them are ignored). The object already in the session's identity map
    wins, as it would for a query; a new one is added to the session.
    """
    row = dict(zip(_column_keys(model), values))
    mapper = inspect(model)
    key = mapper.identity_key_from_primary_key([row[c.key] for c in mapper.primary_key])
    existing = session.identity_map.get(key)
    if existing is not None:
        return existing
    obj = model(**row)
    make_transient_to_detached(obj)
    session.add(obj)
    return obj


@cache
def _column_keys(model: type) -> tuple[str, ...]:
    return tuple(column.key for column in model.__table__.c)
