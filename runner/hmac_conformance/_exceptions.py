"""Every exception the package raises, in one place. Each is a condition a stage reports, never a crash."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hmac_conformance._model import Problem


class UsageError(Exception):
    """Bad command-line arguments or configuration (exit status 2): one line naming the option and the value."""


class VectorFileError(UsageError):
    """Vector files that cannot be used; ``problems`` names the file, line and vector of each."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the vector files; run `hmac-conformance validate`")


class YamlError(Exception):
    """A YAML file the strict reader refuses; ``problem`` says where and why."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


class BytesError(ValueError):
    """A byte string that cannot be materialised; ``at`` is its path inside the byte-string value."""

    def __init__(self, message: str, at: tuple[str | int, ...] = ()) -> None:
        self.at = at
        super().__init__(message)


class AdapterError(Exception):
    """The implementation could not be started or spoke the protocol wrongly at start-up."""


class ProtocolError(Exception):
    """A message that is not valid protocol v1."""
