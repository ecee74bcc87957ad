"""LogStore from Python: read (and write) a LogStore store of visdom plots.

    import logstore
    with logstore.Store("logstore.db", readonly=True) as store:
        for trace in store.traces("main", "loss"):
            print(trace.name, trace.x[-1], trace.y[-1])

Pure Python over ``liblogstore.so`` (the C ABI, ``include/logstore.h``) through ctypes.
"""

from .errors import (ArgumentError, BadInputError, ClosedError, CompactedError, CorruptError, Error,
                     NewerSchemaError, NoSuchEnvError, NoSuchEpochError, NoSuchWindowError, NotAStoreError,
                     EnvExistsError, ReadOnlyError, SQLiteError, StoreFullError, StoreIOError)
from .store import ENDPOINTS, FLOAT, INT, NULL, OTHER, Applied, Store, Trace

__all__ = [
    "Store", "Trace", "Applied", "ENDPOINTS", "FLOAT", "INT", "NULL", "OTHER",
    "Error", "ArgumentError", "BadInputError", "ClosedError", "CompactedError", "CorruptError", "NewerSchemaError",
    "NoSuchEnvError", "NoSuchEpochError", "NoSuchWindowError", "NotAStoreError", "ReadOnlyError", "SQLiteError",
    "StoreFullError", "StoreIOError", "EnvExistsError",
]
__version__ = "0.2.0"
