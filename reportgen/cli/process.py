"""A reportgen command's process lives seconds and allocates millions of objects (its imports alone are about 1.400
modules): it spends no CPU on what only a long-lived process needs.

* The cyclic garbage collector is off (``short_lived``): it walked every object of pandas, matplotlib and the rest
  again and again while they were imported, about a sixth of a committee pack's CPU. Reference counting still frees
  every object that is not in a cycle; the few cycles a pack leaves cost a run of six packs about 15 MB. A process
  that goes on working (a ``reportgen national`` worker) collects them after each municipality.
* The process ends without tearing the interpreter down (``exit_now``): freeing every module and object one by one
  at exit was another sixth. What a normal exit does that matters still happens: the ``atexit`` handlers run (the
  log files are flushed and closed) and the console is flushed; the operating system frees the memory and releases
  the locks.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys
from typing import NoReturn


def short_lived() -> None:
    """Turn the automatic cyclic garbage collector off for this process."""
    gc.disable()


def exit_now(code: int | str | None) -> NoReturn:
    """End the process as ``sys.exit(code)`` would (a text is printed and exits 1), without the interpreter's
    teardown."""
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()  # what a normal exit runs: logging's shutdown (the run log), temporary folders' cleanup
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):  # a closed pipe (| head), no console
            stream.flush()
    os._exit(code or 0)
