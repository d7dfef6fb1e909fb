"""Writing files so that readers only ever see complete ones.

Data goes to a temporary file in the target directory, is flushed to disk,
and is renamed over the final name in one step (``os.replace`` is atomic on
POSIX and Windows).  An exception, Ctrl-C or a killed process leaves at worst
a stray ``.<name>.*.tmp`` file, never a truncated file under the final name,
and never a broken file in place of a good older one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from kedu import interrupts
from kedu.errors import OutputError

__all__ = ["TEMP_SUFFIX", "write_atomic"]

TEMP_SUFFIX = ".tmp"


def write_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically and return the path.

    Raises :class:`~kedu.errors.OutputError` (a ``KeduError`` and an ``OSError``)
    with one line naming the file when it cannot be written.  After a SIGINT or
    SIGTERM under the command line nothing is renamed into place any more (see
    :mod:`kedu.interrupts`), even if a library swallowed the ``KeyboardInterrupt``.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=TEMP_SUFFIX
        )
    except OSError as exc:
        raise _output_error(exc, target) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, 0o644)
        interrupts.check()
        os.replace(temp_name, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise _output_error(exc, target) from exc
        raise
    return target


def _output_error(exc: OSError, target: Path) -> OutputError:
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        # mkdir of a parent that is a file: say which one.
        blocker = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            return OutputError(f"cannot write: {blocker} is a file, not a folder", path=target)
    reason = exc.strerror or str(exc) or type(exc).__name__
    return OutputError(f"cannot write: {reason}", path=target)
