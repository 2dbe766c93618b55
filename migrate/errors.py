"""Errors and findings.

Hard failures are exceptions carrying a file position; everything a run can go
on past is a :class:`Finding` collected by a :class:`Report`. The CLI turns
exceptions into exit codes in one place; the library never exits.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Literal

Severity = Literal["error", "warning", "notice"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "notice")


class MigrateError(Exception):
    """Base of every error the library raises on purpose.

    ``str()`` gives ``FILE:LINE:COLUMN: message`` (parts omitted when unknown)
    so a user can jump straight to the problem.
    """

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column

    def location(self) -> str:
        parts = [p for p in (self.file, self.line, self.column) if p is not None]
        return ":".join(str(p) for p in parts)

    def __str__(self) -> str:
        loc = self.location()
        return f"{loc}: {self.message}" if loc else self.message


class InputError(MigrateError):
    """The input cannot be read as an export (not XML, not WXR, unreadable)."""


class UnsafeInputError(InputError):
    """The input tries something we refuse outright (DOCTYPE, entities, paths)."""


class OutputError(MigrateError):
    """The output cannot be written (conflict, unsafe path, disk, permissions)."""


class UsageError(MigrateError):
    """The caller asked for something that does not exist or does not fit."""

    exit_code = 2


class ConfigError(UsageError):
    """A configuration or manifest file is invalid."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a run noticed: a loss, a repair, a defect in the input.

    ``code`` is stable (documented, used in configuration); ``message`` is for
    people and says what to do.
    """

    code: str
    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    item_id: int | None = None
    item_title: str | None = None

    def location(self) -> str:
        parts = [p for p in (self.file, self.line, self.column) if p is not None]
        return ":".join(str(p) for p in parts)

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "item_id": self.item_id,
            "item_title": self.item_title,
        }

    def __str__(self) -> str:
        loc = self.location()
        where = f"{loc}: " if loc else ""
        item = f" [item {self.item_id}]" if self.item_id is not None else ""
        return f"{where}{self.severity}: {self.message} ({self.code}){item}"


@dataclass
class Report:
    """Collects findings of one run, bounded in memory.

    Counts are exact for every code; only the first ``keep`` findings of each
    code are kept in full so that a run over millions of items stays flat.
    Per-item counts likewise: for each code, the items of its first ``keep``
    findings are counted (exactly), later items only in the code's total.
    """

    keep: int = 1000
    _kept: list[Finding] = field(default_factory=list)
    _counts: Counter = field(default_factory=Counter)
    _per_code_kept: Counter = field(default_factory=Counter)
    _severity: dict[str, Severity] = field(default_factory=dict)
    _per_item: Counter = field(default_factory=Counter)
    _per_item_codes: Counter = field(default_factory=Counter)  # distinct items counted, per code
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, finding: Finding) -> None:
        with self._lock:
            self._counts[finding.code] += 1
            self._severity.setdefault(finding.code, finding.severity)
            if finding.item_id is not None:
                self._count_item((finding.item_id, finding.code), 1)
            if self._per_code_kept[finding.code] < self.keep:
                self._per_code_kept[finding.code] += 1
                self._kept.append(finding)

    def _count_item(self, key: tuple[int, str], n: int) -> None:
        if key in self._per_item:
            self._per_item[key] += n
        elif self._per_item_codes[key[1]] < self.keep:
            self._per_item_codes[key[1]] += 1
            self._per_item[key] = n

    def emit(
        self,
        code: str,
        severity: Severity,
        message: str,
        **where: object,
    ) -> None:
        self.add(Finding(code, severity, message, **where))  # type: ignore[arg-type]

    def extend(self, findings: Iterable[Finding]) -> None:
        for f in findings:
            self.add(f)

    def merge(self, other: "Report") -> None:
        """Fold another report in (used by parallel workers)."""
        with self._lock:
            for code, n in other._counts.items():
                self._counts[code] += n
                self._severity.setdefault(code, other._severity[code])
            for key, n in other._per_item.items():
                self._count_item(key, n)
            for f in other._kept:
                if self._per_code_kept[f.code] < self.keep:
                    self._per_code_kept[f.code] += 1
                    self._kept.append(f)

    def __iter__(self) -> Iterator[Finding]:
        return iter(list(self._kept))

    def __len__(self) -> int:
        return sum(self._counts.values())

    @property
    def counts(self) -> dict[str, int]:
        return dict(sorted(self._counts.items()))

    def severity_of(self, code: str) -> Severity:
        return self._severity[code]

    def count(self, severity: Severity | None = None) -> int:
        if severity is None:
            return len(self)
        return sum(n for c, n in self._counts.items() if self._severity[c] == severity)

    def per_item(self) -> dict[int, dict[str, int]]:
        out: dict[int, dict[str, int]] = {}
        for (item, code), n in sorted(self._per_item.items()):
            out.setdefault(item, {})[code] = n
        return out

    def to_dict(self) -> dict:
        return {
            "total": len(self),
            "by_severity": {s: self.count(s) for s in SEVERITIES},
            "by_code": {
                code: {"severity": self._severity[code], "count": n}
                for code, n in self.counts.items()
            },
            "per_item": {str(k): v for k, v in self.per_item().items()},
            "findings": [f.to_dict() for f in self._kept],
            "truncated": any(n > self.keep for n in self._counts.values()),
        }
