"""The one exception type the engine raises for bad game or level input.

Game files are untrusted input: every problem found while reading one becomes a
:class:`VGDLError` that names the file, line and column, so a user can fix it
without reading engine code.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class VGDLError(Exception):
    """A malformed or unsupported game or level description.

    :param message: what is wrong, in words a game author understands.
    :param file: the file (or ``"<string>"``) the text came from.
    :param line: 1-based line number, when known.
    :param column: 1-based column number, when known.
    """

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 column: int | None = None) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = self.file or "<string>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


def closest(name: str, known: Iterable[str]) -> str:
    """Return a ``" (did you mean 'x'?)"`` hint for an unknown name, or ``""``."""
    known = list(known)
    match = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if not match:
        lowered = {k.lower(): k for k in known}
        if name.lower() in lowered:
            match = [lowered[name.lower()]]
    return f" (did you mean '{match[0]}'?)" if match else ""
