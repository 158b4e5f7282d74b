"""The terminal: one progress line, and diagnostics printed the same way by every command.

Commands call the core and hand what it returns here; nothing below the commands prints."""
from __future__ import annotations

import os
import sys
from typing import Callable, Iterable

from .diagnostics import Diagnostic


class Progress:
    """One rewritten status line on a terminal; silent when output is piped."""

    def __init__(self, stream=sys.stderr):
        self.stream = stream
        self.active = stream.isatty()
        self.width = 0

    def __call__(self, message: str) -> None:
        if self.active:
            text = message[:78]
            self.stream.write("\r" + text.ljust(self.width))
            self.width = len(text)
            self.stream.flush()

    def clear(self) -> None:
        if self.active and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def count_errors(diagnostics: Iterable[Diagnostic]) -> int:
    return sum(1 for d in diagnostics if d.severity == "error")


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def show(diagnostics: Iterable[Diagnostic], stream=None) -> None:
    """Each diagnostic on its own line, `path:line: severity: message`."""
    stream = stream or sys.stderr
    for d in diagnostics:
        print(d, file=stream)


def report(diagnostics: list[Diagnostic], what: str = "", noun: str = "problem", stream=None) -> int:
    """Show every diagnostic, then `N problems; what` when any is an error; 1 if any is."""
    stream = stream or sys.stderr
    show(diagnostics, stream)
    errors = count_errors(diagnostics)
    if errors:
        print(f"{plural(errors, noun)}; {what}", file=stream)
    return 1 if errors else 0


def say(text: str) -> None:
    print(text, file=sys.stdout)


def guarded(command: Callable[[object], int], args) -> int:
    """Run one command: Ctrl-C and a bug in riji end in one line, not a traceback."""
    try:
        code = command(args)
        sys.stdout.flush()  # here, where a closed pipe can still be caught
        return code
    except BrokenPipeError:  # `riji new ... | head -1`: the reader has what it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the exit flush does not fail again
        return 141  # as if killed by SIGPIPE, like other commands in a pipe
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug in riji, not the writer's input: say so without a traceback
        if os.environ.get("RIJI_DEBUG"):
            raise
        print(f"riji: internal error: {type(exc).__name__}: {exc}\n"
              f"This is a bug in riji, not in your site. Run again with RIJI_DEBUG=1 to see where it "
              f"happened, and please report it.", file=sys.stderr)
        return 2
