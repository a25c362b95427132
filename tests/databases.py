"""PostgreSQL databases made for a test of real processes, beside the one DATABASE_URL names."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg


@contextmanager
def databases_beside(*suffixes: str) -> Iterator[list[str] | None]:
    """With DATABASE_URL: a new database for each suffix (``<its database>_<suffix>``),
    their URLs given and the databases dropped afterwards; without: None (SQLite files)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield None
        return
    parts = urlsplit(url)
    names = [f"{parts.path.lstrip('/')}_{suffix}" for suffix in suffixes]
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        for name in names:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield [urlunsplit(parts._replace(path=f"/{name}")) for name in names]
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            for name in names:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
