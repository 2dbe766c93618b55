"""The end of a batch: a table for people and a JSON report for programs."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from migrate.batch.jobs import STATUS_DONE, STATUS_FAILED, STATUS_SKIPPED, JobResult

REPORT_VERSION = 1


@dataclass
class BatchSummary:
    results: list[JobResult]
    seconds: float = 0.0
    executor: str = "local"
    workers: int | None = None
    source: str = ""
    root: str = ""
    interrupted: bool = False
    warnings: list[str] = field(default_factory=list)

    def by_status(self, status: str) -> list[JobResult]:
        return [r for r in self.results if r.status == status]

    @property
    def failed(self) -> bool:
        return any(r.status == STATUS_FAILED for r in self.results)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def totals(self) -> dict:
        def total(which: str, key: str) -> int:
            return sum(getattr(r, which).get(key, 0) for r in self.results if r.status != STATUS_SKIPPED)

        findings: dict[str, int] = {}
        for r in self.results:
            if r.status == STATUS_SKIPPED:
                continue
            for code, f in r.findings.items():
                findings[code] = findings.get(code, 0) + f["count"]
        return {
            "jobs": len(self.results),
            "done": len(self.by_status(STATUS_DONE)),
            "skipped": len(self.by_status(STATUS_SKIPPED)),
            "failed": len(self.by_status(STATUS_FAILED)),
            "read": {"items": total("read", "items"), "comments": total("read", "comments")},
            "written": {"items": total("written", "items"), "comments": total("written", "comments")},
            "findings": dict(sorted(findings.items())),
        }

    def to_dict(self) -> dict:
        return {
            "version": REPORT_VERSION,
            "finished": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "source": self.source,
            "output_root": self.root,
            "executor": self.executor,
            "workers": self.workers,
            "seconds": round(self.seconds, 3),
            "interrupted": self.interrupted,
            "warnings": self.warnings,
            "totals": self.totals(),
            "jobs": [r.to_dict() for r in self.results],
        }

    def table(self, width: int = 100) -> str:
        """A plain table: one line per job, then totals; failed jobs' errors below."""
        head = ("job", "status", "items", "comments", "written", "findings", "time")
        rows = []
        for r in self.results:
            nfind = sum(f["count"] for f in r.findings.values())
            rows.append((r.name, r.status, str(r.read.get("items", 0)), str(r.read.get("comments", 0)),
                         str(r.written.get("items", 0)), str(nfind), f"{r.seconds:.1f}s"))
        widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(head)]
        widths[0] = min(widths[0], 40)

        def fmt(row) -> str:
            name = row[0] if len(row[0]) <= widths[0] else row[0][: widths[0] - 1] + "…"
            cells = [name.ljust(widths[0]), row[1].ljust(widths[1])]
            cells += [c.rjust(w) for c, w in zip(row[2:], widths[2:])]
            return "  ".join(cells)

        lines = [fmt(head), "  ".join("-" * w for w in widths)]
        lines += [fmt(row) for row in rows]
        t = self.totals()
        lines.append("")
        lines.append(
            f"{t['jobs']} jobs: {t['done']} done, {t['skipped']} skipped (unchanged), {t['failed']} failed"
            f" in {self.seconds:.1f}s; {t['read']['items']} items and {t['read']['comments']} comments read,"
            f" {t['written']['items']} items written" + (" (interrupted)" if self.interrupted else ""))
        failed = self.by_status(STATUS_FAILED)
        if failed:
            lines.append("")
            lines.append("Failed:")
            for r in failed:
                lines.append(f"  {r.name}: {r.error_text}")
        return "\n".join(lines)
