"""The exceptions ``logstore`` raises: one class per error code of ``logstore.h``."""

from __future__ import annotations


class Error(Exception):
    """Any error the store reports. ``str(e)`` is the core's one-line message; ``code`` is the
    ``LOGSTORE_E_*`` code of ``logstore.h`` (0 for errors raised by this package itself)."""

    code = 0

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class NotAStoreError(Error):
    """The file exists but is not a LogStore store; it was left untouched."""
    code = 1


class NewerSchemaError(Error):
    """The store was written by a newer LogStore; it was left untouched."""
    code = 2


class NoSuchEnvError(Error, LookupError):
    code = 3


class NoSuchWindowError(Error, LookupError):
    code = 4


class NoSuchEpochError(Error, LookupError):
    """An ``as_of`` epoch the store has not reached."""
    code = 5


class CompactedError(Error, LookupError):
    """History before that epoch was compacted away."""
    code = 6


class BadInputError(Error, ValueError):
    """A message that is not valid JSON or not a visdom message."""
    code = 7


class ReadOnlyError(Error):
    """A write to a store opened read-only, or to a file that cannot be written."""
    code = 8


class StoreFullError(Error):
    """The disk or the store's quota is full; nothing of the failed write was kept."""
    code = 9


class StoreIOError(Error):
    """The file cannot be opened or read (no such file, permissions, ...)."""
    code = 10


class SQLiteError(Error):
    code = 11


class CorruptError(Error):
    """The store's rows break one of its invariants."""
    code = 12


class ArgumentError(Error, ValueError):
    """A bad argument: an unknown endpoint or durability, a name that is not valid UTF-8, ..."""
    code = 13


class EnvExistsError(Error):
    """A fork onto an env that exists, where replacing it was not asked for."""
    code = 14


class ClosedError(Error):
    """The store was closed."""
    code = 15


BY_CODE: dict[int, type[Error]] = {
    cls.code: cls
    for cls in (NotAStoreError, NewerSchemaError, NoSuchEnvError, NoSuchWindowError, NoSuchEpochError,
                CompactedError, BadInputError, ReadOnlyError, StoreFullError, StoreIOError, SQLiteError,
                CorruptError, ArgumentError, EnvExistsError, ClosedError)
}
