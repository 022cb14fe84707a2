"""Query helpers that differ by backend, kept here so no other layer builds dialect SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Table, inspect
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from storage.models.base import Base


def loaded(obj: Base, attribute: str) -> bool:
    """Whether ``obj``'s ``attribute`` was loaded with it (reading it won't query)."""
    return attribute not in inspect(obj).unloaded


def _table(model: type[Base]) -> Table:
    """The model's table (declared with ``__tablename__``, so always a Table)."""
    table = model.__table__
    assert isinstance(table, Table), f"{model.__name__} is not mapped to a table"
    return table


def insert_ignore(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING; returns how many rows were actually inserted."""
    if not rows:
        return 0
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = _table(model)
    # rowcount is -1 for this statement under psycopg 3; count the rows RETURNING gives back.
    statement = (
        insert(table).values(rows).on_conflict_do_nothing().returning(*table.primary_key.columns)
    )
    return len(session.execute(statement).all())


def insert_ignore_many(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> int:
    """``insert_ignore`` for many rows at once, as one executemany (fast for thousands).

    Every row must have the same keys. Returns the rows inserted when the driver reports it.
    """
    if not rows:
        return 0
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = _table(model)  # Core: no ORM bookkeeping per row
    result = session.execute(insert(table).on_conflict_do_nothing(), rows)
    return max(0, int(result.rowcount or 0))  # type: ignore[attr-defined]


class SecondsBetween(FunctionElement[float]):
    """``later - earlier`` in seconds, for two UTC datetime columns (an average or a median of
    waiting times computed in the database)."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(SecondsBetween, "sqlite")
def _seconds_sqlite(element: SecondsBetween, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


@compiles(SecondsBetween, "postgresql")
def _seconds_postgresql(element: SecondsBetween, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"


def seconds_between(later: Any, earlier: Any) -> SecondsBetween:
    return SecondsBetween(later, earlier)
