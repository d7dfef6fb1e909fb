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
  temporary files, stopping pool workers) runs to its end;
- a signal that arrives while a module is being imported is raised a moment
  later, once the import is over: extension modules run Python code from C/C++
  while they initialise (pikepdf's nanobind enums), and an exception there is
  printed by the extension as a "critical error" with its traceback;
- a ``KeyboardInterrupt`` raised where Python cannot propagate it (a ``__del__``,
  a weakref callback, an at-fork hook) would be printed as "Exception ignored"
  and lost: it is raised again a moment later instead, somewhere it can unwind;
- pool workers are started with both signals held back (:func:`held_back`), so
  a signal during ``fork`` reaches neither process half-way.

Pool workers ignore SIGINT (Ctrl-C reaches the whole process group; the parent
decides).  They hold nothing but the temporary files registered with
:func:`temporary`, and the parent writes every output file, so on SIGTERM (sent
by the parent when it stops them) a worker removes those files and leaves at
once, wherever it was: no exception travels through library code.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

__all__ = [
    "check",
    "exit_code",
    "handle_signals",
    "held_back",
    "received",
    "run_cli",
    "temporary",
    "worker_init",
]

_received: int | None = None
_raised = False
# Set once the console command has ended: a signal after that is only noted.
_done = False
# Temporary files a pool worker removes when it is stopped (see temporary()).
_temporaries: set[str] = set()
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


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
    global _received, _raised
    if _received is None:
        _received = signum
    if _raised or _done:
        return
    if _importing(frame):
        _deliver_again(signum)
        return
    _raised = True
    raise KeyboardInterrupt


def _importing(frame: FrameType | None) -> bool:
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


def _deliver_again(signum: int, delay: float = 0.01) -> None:
    # The handler only ever runs in the main thread; send the signal there again
    # shortly, from a timer thread, until it finds no import under way.  Not once
    # it has been raised or the command has ended (nothing left to interrupt).
    main = threading.main_thread().ident
    if main is None:
        return

    def again() -> None:
        if not (_raised or _done):
            signal.pthread_kill(main, signum)

    timer = threading.Timer(delay, again)
    timer.daemon = True
    timer.start()


def _unraisable(previous: Callable[[Any], object]) -> Callable[[Any], object]:
    def hook(unraisable: Any) -> None:
        global _raised
        if unraisable.exc_type is KeyboardInterrupt and _received is not None:
            # Ours, raised where it could not unwind: raise it again elsewhere.
            _raised = False
            _deliver_again(_received)
            return
        previous(unraisable)

    return hook


@contextlib.contextmanager
def held_back() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for the duration; one that arrives meanwhile
    is handled when the block ends.  Processes forked inside start with both held
    back too, until :func:`worker_init` lets them through."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def temporary(path: str | os.PathLike[str]) -> Iterator[None]:
    """Register ``path`` (not yet created) as a temporary file for the duration:
    a pool worker stopped meanwhile removes it before it leaves.  Create the file
    inside the block (``O_EXCL``), so there is never an unregistered one."""
    name = os.fspath(path)
    _temporaries.add(name)
    try:
        yield
    finally:
        _temporaries.discard(name)


_Handlers = dict[int, Callable[[int, FrameType | None], object] | int | None]


def _install() -> tuple[_Handlers, Callable[[Any], object]]:
    """kedu's handler for both signals and its unraisable-exception hook; returns
    what they replace."""
    previous: _Handlers = {signum: signal.signal(signum, _record) for signum in _SIGNALS}
    previous_hook = sys.unraisablehook
    sys.unraisablehook = _unraisable(previous_hook)
    return previous, previous_hook


@contextlib.contextmanager
def handle_signals() -> Iterator[None]:
    """Record and raise SIGINT/SIGTERM for the duration (main thread only; elsewhere
    a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous, previous_hook = _install()
    try:
        yield
    finally:
        sys.unraisablehook = previous_hook
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)


def run_cli() -> None:
    """Console-script entry point: signals are handled before the command line is
    even imported, so an early Ctrl-C is one line and exit 130 like a late one."""
    global _done
    # For the rest of the process, not only for a block: the handler may still be
    # delivering a signal it put off (see _deliver_again), and Python's default
    # handler would turn that into a traceback after the command.
    _install()
    try:
        try:
            from kedu.cli import main

            code = main()
        finally:
            _done = True  # first statement: from here on signals are only noted
    except KeyboardInterrupt:
        sys.stderr.write("kedu: interrupted\n")
        code = exit_code()
    if _received is not None:
        # Interrupted: everything that needed cleaning up has been, on the way out.
        # Interpreter shutdown would join the pool's threads again and, after an
        # interrupt caught in one of them, Python 3.11 can end the process with
        # SIGINT's status instead of ours (seen as -2 for a SIGTERM).  Leave now.
        _flush()
        os._exit(code)
    if threading.active_count() == 1:
        # Finished, nothing left running: leave without the interpreter tearing
        # down every module one by one (40-50 ms, 5 % of a one-handout export).
        # Exit handlers still run and the output is flushed, as in a normal exit.
        atexit._run_exitfuncs()
        _flush()
        os._exit(code)
    sys.exit(code)


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


def _stop_worker(signum: int, frame: FrameType | None) -> None:
    # Leave at once: removing the registered temporary files is all the cleaning
    # up a worker has to do (the parent writes the output files).  os._exit, not
    # an exception, because an exception raised wherever the worker happens to be
    # (starting up, importing an extension module, inside a library's callback)
    # gets printed with its traceback by that code.
    global _received
    _received = signum
    for name in list(_temporaries):
        with contextlib.suppress(OSError):
            os.unlink(name)
    os._exit(128 + signum)


def worker_init(parent: int) -> None:
    """Initializer of kedu's pool workers.

    Ctrl-C goes to the whole process group: a worker interrupted in the middle of a
    queue operation can leave a lock held and hang the pool, so workers ignore
    SIGINT and leave it to the parent, which stops them with SIGTERM (temporary
    files removed, see :func:`temporary`) and, if they do not end at once, SIGKILL.
    They also die with the parent when it is killed outright (Linux).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_worker)
    if hasattr(signal, "pthread_sigmask"):  # started inside held_back()
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
