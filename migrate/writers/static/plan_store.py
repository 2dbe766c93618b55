"""A static site's plan on disk, so memory stays flat however big the export.

The plan (every item's identity and entry, the URL map, media places,
redirects) grows with the export. Held in dictionaries it was the largest
part of a conversion's memory, once in the writing process and once more in
every worker. Here it lives in one SQLite file inside the output's staging
folder: the writing process fills it, commits it, and worker processes open
the same file read-only, each with a small page cache.

:class:`Table` and :class:`KeySet` behave like the ``dict`` and ``set``
they replace (insertion order included), so the planning code reads as it
would over dictionaries. Values are pickled; an object read from a table is
a copy, so code that changes one writes it back.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import weakref
from pathlib import Path
from typing import Any, Iterator, Optional
from urllib.parse import quote

__all__ = ["PlanStore", "Table", "KeySet"]

_MISSING = object()
#: rows fetched per query when a table is walked in order
_PAGE = 512
#: writes buffered per table before they go to SQLite in one statement
_BATCH = 256
#: each connection's page cache, in KiB (negative: SQLite's unit for KiB)
_CACHE_KIB = 2048


def _dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


class PlanStore:
    """One SQLite file of named tables; ``":memory:"`` for a plan no other process reads.

    The process that creates the store writes it inside one transaction
    (no journal: a failed run discards the whole staging folder anyway) and
    calls :meth:`freeze` when the plan is complete. A frozen store pickles as
    its path; unpickled in a worker it opens the file read-only.
    """

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        self.frozen = False
        self._conn: Optional[sqlite3.Connection] = None
        #: tables with writes still buffered, flushed on freeze
        self._buffered: list["_Named"] = []
        _OPEN.add(self)

    def __getstate__(self) -> dict:
        if not self.frozen or self.path == ":memory:":
            raise TypeError("only a frozen plan stored in a file can go to another process")
        return {"path": self.path}

    def __setstate__(self, state: dict) -> None:
        self.path = state["path"]
        self.frozen = True
        self._conn = None
        self._buffered = []
        _OPEN.add(self)

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self._connect()
        return self._conn

    def _forget_connection(self) -> None:
        """In a forked child: a connection is not to be shared across processes."""
        self._conn = None

    def _connect(self) -> sqlite3.Connection:
        if self.frozen:
            # nobody writes a frozen plan: no locks, no change checks
            uri = f"file:{quote(self.path)}?mode=ro&immutable=1"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False, cached_statements=256)
        else:
            conn = sqlite3.connect(self.path, check_same_thread=False, cached_statements=256)
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute("PRAGMA temp_store=FILE")
        conn.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
        return conn

    def table(self, name: str) -> "Table":
        return Table(self, name)

    def key_set(self, name: str) -> "KeySet":
        return KeySet(self, name)

    def pairs(self, name: str) -> "Pairs":
        return Pairs(self, name)

    def freeze(self) -> None:
        """The plan is complete: commit it; from now on it is only read."""
        for named in self._buffered:
            named.flush()
        self._buffered = []
        if self._conn is not None:
            self._conn.commit()
        if self.path != ":memory:" and self._conn is not None:
            self._conn.close()
            self._conn = None
        self.frozen = True

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None

    def _writing(self) -> sqlite3.Connection:
        if self.frozen:
            raise RuntimeError("the plan is frozen: it is read by other processes")
        return self.conn


#: stores of this process, for a forked child to drop their connections
_OPEN: "weakref.WeakSet[PlanStore]" = weakref.WeakSet()


def _after_fork() -> None:
    for store in list(_OPEN):
        store._forget_connection()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


class _Named:
    __slots__ = ("store", "name", "_pending")

    _SCHEMA = ""

    def __init__(self, store: PlanStore, name: str) -> None:
        if not name.isidentifier():
            raise ValueError(f"not a table name: {name!r}")
        self.store = store
        self.name = name
        self._pending: dict = {}
        if not store.frozen:
            store.conn.execute(self._SCHEMA.format(name=name))
            store._buffered.append(self)

    def __getstate__(self) -> tuple:
        if self._pending:
            raise TypeError("a table with unwritten rows cannot go to another process")
        return (self.store, self.name)

    def __setstate__(self, state: tuple) -> None:
        self.store, self.name = state
        self._pending = {}

    def flush(self) -> None:
        """Write the buffered rows (writes go in batches of :data:`_BATCH`)."""


class Table(_Named):
    """A ``dict`` in a table: keys are ints or strings, values any picklable object."""

    __slots__ = ()

    _SCHEMA = 'CREATE TABLE IF NOT EXISTS "{name}" (seq INTEGER PRIMARY KEY, k UNIQUE NOT NULL, v BLOB)'

    _UPSERT = 'INSERT INTO "{name}"(k, v) VALUES(?, ?) ON CONFLICT(k) DO UPDATE SET v=excluded.v'

    def flush(self) -> None:
        if self._pending:
            rows = list(self._pending.items())
            self._pending.clear()
            self.store._writing().executemany(self._UPSERT.format(name=self.name), rows)

    def get(self, key: Any, default: Any = None) -> Any:
        raw = self._pending.get(key) if self._pending else None
        if raw is not None:
            return pickle.loads(raw)
        row = self.store.conn.execute(f'SELECT v FROM "{self.name}" WHERE k=?', (key,)).fetchone()
        return pickle.loads(row[0]) if row is not None else default

    def __getitem__(self, key: Any) -> Any:
        value = self.get(key, _MISSING)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def __contains__(self, key: Any) -> bool:
        if key in self._pending:
            return True
        sql = f'SELECT 1 FROM "{self.name}" WHERE k=?'
        return self.store.conn.execute(sql, (key,)).fetchone() is not None

    def __setitem__(self, key: Any, value: Any) -> None:
        # an existing key keeps its place in the order, as in a dict; a new one
        # goes at the end when the batch is written, batches in order
        if self.store.frozen:
            raise RuntimeError("the plan is frozen: it is read by other processes")
        self._pending[key] = _dumps(value)
        if len(self._pending) >= _BATCH:
            self.flush()

    def add_new(self, key: Any, value: Any) -> bool:
        """Insert unless ``key`` is there already; True when it was inserted."""
        self.flush()  # so a new key takes its place after the buffered ones
        cur = self.store._writing().execute(
            f'INSERT OR IGNORE INTO "{self.name}"(k, v) VALUES(?, ?)', (key, _dumps(value)))
        return cur.rowcount == 1

    def setdefault(self, key: Any, value: Any) -> Any:
        if self.add_new(key, value):
            return value
        return self[key]

    def __len__(self) -> int:
        self.flush()
        return self.store.conn.execute(f'SELECT count(*) FROM "{self.name}"').fetchone()[0]

    def __bool__(self) -> bool:
        self.flush()
        return self.store.conn.execute(f'SELECT 1 FROM "{self.name}" LIMIT 1').fetchone() is not None

    def _rows(self, by_key: bool = False) -> Iterator[tuple[int, Any, bytes]]:
        """(insertion rank, key, pickled value) in insertion order or by key, a page at a time.

        Each page is a query of its own that starts after the last row seen,
        so rows may be written back while the table is walked (a row written
        back waits in the buffer or lands where it was; it is not met again).
        """
        self.flush()
        conn = self.store.conn
        col = 1 if by_key else 0
        order = "k" if by_key else "seq"
        first = f'SELECT seq, k, v FROM "{self.name}" ORDER BY {order} LIMIT {_PAGE}'
        sql = f'SELECT seq, k, v FROM "{self.name}" WHERE {order} > ? ORDER BY {order} LIMIT {_PAGE}'
        rows = conn.execute(first).fetchall()
        while True:
            yield from rows
            if len(rows) < _PAGE:
                return
            rows = conn.execute(sql, (rows[-1][col],)).fetchall()

    def items(self, *, by_key: bool = False) -> Iterator[tuple[Any, Any]]:
        for _, k, v in self._rows(by_key):
            yield k, pickle.loads(v)

    def values(self, *, by_key: bool = False) -> Iterator[Any]:
        for _, _, v in self._rows(by_key):
            yield pickle.loads(v)

    def values_with_order(self, *, by_key: bool = False) -> Iterator[tuple[int, Any]]:
        """(insertion rank, value): walked by key, the rank still tells the insertion order."""
        for seq, _, v in self._rows(by_key):
            yield seq, pickle.loads(v)

    def keys(self) -> Iterator[Any]:
        for _, k, _ in self._rows():
            yield k

    __iter__ = keys


class KeySet(_Named):
    """A ``set`` of ints or strings in a table."""

    __slots__ = ()

    _SCHEMA = 'CREATE TABLE IF NOT EXISTS "{name}" (k PRIMARY KEY NOT NULL) WITHOUT ROWID'

    def flush(self) -> None:
        pass  # every add is written at once: its answer is needed

    def __contains__(self, key: Any) -> bool:
        sql = f'SELECT 1 FROM "{self.name}" WHERE k=?'
        return self.store.conn.execute(sql, (key,)).fetchone() is not None

    def add(self, key: Any) -> None:
        self.add_new(key)

    def add_new(self, key: Any) -> bool:
        """Add ``key``; True when it was not there yet."""
        cur = self.store._writing().execute(f'INSERT OR IGNORE INTO "{self.name}"(k) VALUES(?)', (key,))
        return cur.rowcount == 1

    def __len__(self) -> int:
        return self.store.conn.execute(f'SELECT count(*) FROM "{self.name}"').fetchone()[0]


class Pairs(_Named):
    """A list of (text, text) pairs, read back sorted, duplicates included."""

    __slots__ = ()

    _SCHEMA = 'CREATE TABLE IF NOT EXISTS "{name}" (a TEXT NOT NULL, b TEXT NOT NULL)'

    def append(self, pair: tuple[str, str]) -> None:
        if self.store.frozen:
            raise RuntimeError("the plan is frozen: it is read by other processes")
        self._pending[len(self._pending)] = pair
        if len(self._pending) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            rows = list(self._pending.values())
            self._pending.clear()
            self.store._writing().executemany(f'INSERT INTO "{self.name}"(a, b) VALUES(?, ?)', rows)

    def sorted(self) -> Iterator[tuple[str, str]]:
        """The pairs in Python's order for tuples of strings (UTF-8 bytes sort as code points)."""
        self.flush()
        cur = self.store.conn.execute(f'SELECT a, b FROM "{self.name}" ORDER BY a, b')
        while rows := cur.fetchmany(_PAGE):
            yield from rows

    def __len__(self) -> int:
        self.flush()
        return self.store.conn.execute(f'SELECT count(*) FROM "{self.name}"').fetchone()[0]
