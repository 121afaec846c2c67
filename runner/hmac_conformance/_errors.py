"""Error objects shared by every stage: each names the file, the line and the vector it concerns."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a vector file, located as precisely as the stage that found it can."""

    path: Path | str
    line: int | None
    message: str
    vector_id: str | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        vid = f" [{self.vector_id}]" if self.vector_id else ""
        return f"{where}:{vid} {self.message}"


class UsageError(Exception):
    """Bad command-line arguments or configuration (exit code 2)."""
