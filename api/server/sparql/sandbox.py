"""No network for query workers: SERVICE (and any other outbound request) made impossible.

A SPARQL ``SERVICE`` clause makes the engine send an HTTP request to an address the client
chooses (server-side request forgery). Rather than recognising SERVICE in the query text —
a second reading of the query that can differ from the engine's (escapes, comments,
strings) — a query worker of the embedded store gives up the right to open network
sockets before it runs any query: a seccomp filter (``pyseccomp`` over libseccomp) makes
``socket()`` fail with EACCES for every address family but ``AF_UNIX``, and io_uring
(which could open sockets without that call) unavailable. Whatever the engine parses, it
cannot connect anywhere; the worker talks to the server over its stdin/stdout pipes.

The filter is inherited by nothing else: it is installed in the worker process only, after
``PR_SET_NO_NEW_PRIVS`` (libseccomp sets it), and cannot be lifted by the process.
"""
from __future__ import annotations

import errno
import socket


class SandboxUnavailable(RuntimeError):
    """The seccomp filter could not be installed (not Linux, or no libseccomp)."""


def available() -> bool:
    """Can this machine install the filter? (Linux with libseccomp and pyseccomp.)"""
    try:
        import pyseccomp  # noqa: F401 - loads libseccomp with ctypes
    except (ImportError, OSError, AttributeError, TypeError):
        return False
    return True


def forbid_network() -> None:
    """From now on this process cannot open an IP (or any non-Unix) socket."""
    try:
        import pyseccomp as sc
    except (ImportError, OSError, AttributeError, TypeError) as e:
        raise SandboxUnavailable(f"seccomp is not available here: {e}") from e
    denied = sc.ERRNO(errno.EACCES)
    rules = sc.SyscallFilter(sc.ALLOW)
    rules.add_rule(denied, "socket", sc.Arg(0, sc.NE, socket.AF_UNIX))
    for name in ("io_uring_setup", "io_uring_enter", "io_uring_register"):
        try:
            rules.add_rule(sc.ERRNO(errno.ENOSYS), name)
        except (OSError, ValueError):  # a kernel or libseccomp that does not know it
            pass
    rules.load()


def network_is_blocked() -> bool:
    """True when opening a TCP socket fails here (the filter is in force)."""
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    except PermissionError:
        return True
    return False
