"""Errors that the CLI turns into one line on stderr and exit status 1."""


class ReadlistError(Exception):
    """Base class: its message is complete and fit to show a user as is."""


class InputError(ReadlistError):
    """A file or text given to readlist cannot be used."""


class LibraryError(ReadlistError):
    """The library file is unreadable, corrupt, or from a newer readlist."""


class LockedError(ReadlistError):
    """Another process holds the library's lock for too long."""


class NotFoundError(ReadlistError):
    """An id or prefix matches no paper, or more than one."""


class InvalidPaper(LibraryError):
    """A paper's data does not have the stored shape (readlist/schema.py); the message
    names the paper and the field."""

    def __init__(self, paper_id: str, problem: str) -> None:
        super().__init__(f"paper {paper_id}: {problem}")
        self.paper_id = paper_id
        self.problem = problem
