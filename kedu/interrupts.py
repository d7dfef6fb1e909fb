"""Ctrl-C and ``kill``: stop promptly, keep every old file, leave no temporary file.

Python turns SIGINT into a ``KeyboardInterrupt`` wherever the program happens to
be, and some libraries catch it with a bare ``except:`` and carry on with a
fallback; the run then "finishes" with output made half by the fallback.  So the
command line records the signal here as well as raising it, and

- :func:`check` raises again for as long as a signal has been received: files
  are renamed into place (:mod:`kedu.write`, the font cache) only after it, so
  nothing made after an interrupt replaces anything, even when the interrupt
  itself was swallowed;
- the exit status comes from :func:`exit_code` (130 for SIGINT, 143 for
  SIGTERM), not from whether the command seemed to succeed;
- a second signal while unwinding is recorded but not raised, so cleanup (removing
  temporary files, stopping pool workers) runs to its end.

Pool workers ignore SIGINT (Ctrl-C reaches the whole process group; the parent
decides) and unwind quietly on SIGTERM, which the parent sends when it stops them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType

__all__ = ["check", "exit_code", "handle_signals", "received", "run_cli", "worker_init"]

_received: int | None = None


def received() -> int | None:
    """The number of the first SIGINT/SIGTERM received, or None."""
    return _received


def check() -> None:
    """Raise ``KeyboardInterrupt`` if a signal has been received (call before
    anything that cannot be undone, such as renaming a file into place)."""
    if _received is not None:
        raise KeyboardInterrupt


def exit_code() -> int:
    """The conventional status for the signal received: 128 + its number."""
    return 128 + (_received or signal.SIGINT)


def _record(signum: int, frame: FrameType | None) -> None:
    global _received
    first = _received is None
    if first:
        _received = signum
    if first:
        raise KeyboardInterrupt


@contextlib.contextmanager
def handle_signals() -> Iterator[None]:
    """Record and raise SIGINT/SIGTERM for the duration (main thread only; elsewhere
    a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[int, Callable[[int, FrameType | None], object] | int | None] = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        previous[signum] = signal.signal(signum, _record)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)


def run_cli() -> None:
    """Console-script entry point: signals are handled before the command line is
    even imported, so an early Ctrl-C is one line and exit 130 like a late one."""
    try:
        with handle_signals():
            from kedu.cli import main

            code = main()
    except KeyboardInterrupt:
        sys.stderr.write("kedu: interrupted\n")
        code = exit_code()
    if _received is not None:
        # Interrupted: everything that needed cleaning up has been, on the way out.
        # Interpreter shutdown would join the pool's threads again and, after an
        # interrupt caught in one of them, Python 3.11 can end the process with
        # SIGINT's status instead of ours (seen as -2 for a SIGTERM).  Leave now.
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)
    sys.exit(code)


def _stop_worker(signum: int, frame: FrameType | None) -> None:
    # SystemExit, not KeyboardInterrupt: it unwinds the same way (temporary files
    # are removed) but multiprocessing ends an idle worker with it quietly instead
    # of printing a traceback on kedu's stderr.
    global _received
    if _received is None:
        _received = signum
        raise SystemExit(128 + signum)


def _note_stop(signum: int, frame: FrameType | None) -> None:
    # While a worker starts: an exception raised in a pool initializer is printed
    # with its traceback by concurrent.futures, so only note the signal here;
    # worker_init leaves quietly once it is safe to.
    global _received
    if _received is None:
        _received = signum


def _after_fork_in_child() -> None:
    # A child forked while the command line handles signals is a pool worker (kedu
    # forks nothing else).  It inherits the parent's handler, which raises; until
    # worker_init runs, a Ctrl-C to the process group would print a traceback from
    # multiprocessing's start-up code.  Ignore SIGINT and only note SIGTERM from
    # the first instruction on.
    if signal.getsignal(signal.SIGINT) is _record:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, _note_stop)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def worker_init(parent: int) -> None:
    """Initializer of kedu's pool workers.

    Ctrl-C goes to the whole process group: a worker interrupted in the middle of a
    queue operation can leave a lock held and hang the pool, so workers ignore
    SIGINT and leave it to the parent, which stops them with SIGTERM (unwound, so
    temporary files are removed) and, if they do not end at once, SIGKILL.  They
    also die with the parent when it is killed outright (Linux).  A worker stopped
    while it is still starting leaves at once and quietly: it has made nothing yet.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _note_stop)
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
    try:
        signal.signal(signal.SIGTERM, _stop_worker)
        if _received is not None:  # noted while starting
            os._exit(128 + _received)
    except SystemExit as stop:  # arrived just after _stop_worker was installed
        os._exit(stop.code if isinstance(stop.code, int) else 1)
