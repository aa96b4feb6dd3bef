"""Watch for files opened outside the clone and the temporary folders, during a test run.

Loaded twice: by ``tests/conftest.py`` into the pytest process, and, because the conftest puts
this folder first on ``PYTHONPATH``, by every Python subprocess a test starts (the
``commissioning`` command, the demo server, Spark's Python workers) as their ``sitecustomize``.
It does nothing unless ``COMMISSIONING_TEST_ALLOWED`` is set (the conftest sets it).

An audit hook (PEP 578) sees every ``open`` (Python's ``open``, ``os.open``, ``io.open``, and so
every library that opens files through Python), every SQLite database opened
(``sqlite3.connect``) and the arguments of every subprocess started (``subprocess.Popen``: a
path outside that exists, given to a program that is not Python, such as Chromium or Java, is
caught there).
A path outside the allowed folders is recorded: in the pytest process in :data:`FOUND`, in a
subprocess as a line in a file of the ``COMMISSIONING_TEST_OPENS_LOG`` folder. The conftest
fails the session at the end, listing them.

Allowed: the folders in ``COMMISSIONING_TEST_ALLOWED`` (the clone, the temporary folders, the
virtualenv and the Python installation) and the system's folders (/usr, /etc, /proc, /dev, /sys,
/lib, /lib64, /bin, /sbin, /run, /var/lib, /var/cache), except the folders in
``COMMISSIONING_TEST_DENIED`` (the ``shared`` folder beside the clone), which are outside even
when they lie in an allowed one: a clone made in a temporary folder has its neighbours there.

The hook returns at once for every other event (an audit hook is called for all of them), so it
costs next to nothing: see ``tests/structure/test_outside_files.py``.
"""

from __future__ import annotations

import os
import sys

SYSTEM = ("/usr", "/etc", "/proc", "/dev", "/sys", "/lib", "/lib64", "/bin", "/sbin", "/run")
SYSTEM += ("/var/lib", "/var/cache")
WATCHED = frozenset({"open", "sqlite3.connect", "subprocess.Popen"})
#: (event, path) of every open outside, in this process.
FOUND: list[tuple[str, str]] = []
_allowed: tuple[str, ...] = ()
_denied: tuple[str, ...] = ()
_log: str | None = None


def allowed_roots() -> tuple[str, ...]:
    return _allowed


def _root(path: str) -> str:
    path = os.path.normpath(os.path.abspath(path))
    return path if path.endswith(os.sep) else path + os.sep


def configure(allowed: list[str], log_folder: str | None, denied: list[str] = ()) -> None:
    global _allowed, _denied, _log
    _allowed = tuple(sorted({_root(p) for p in [*allowed, *SYSTEM] if p}, key=len))
    _denied = tuple(_root(p) for p in denied if p)
    _log = log_folder


def outside(path) -> bool:
    """Whether ``path`` (a str, bytes or path-like; a file descriptor is never outside) lies in
    a denied folder or outside every allowed one. A relative path is taken from the working
    folder."""
    if isinstance(path, int) or path is None:
        return False
    try:
        text = os.fsdecode(path)
    except TypeError:
        return False
    if not os.path.isabs(text):
        text = os.path.join(os.getcwd(), text)
    text = os.path.normpath(text) + os.sep
    if text.startswith(_denied):  # an empty tuple matches nothing
        return True
    return not text.startswith(_allowed)


def _paths_in(argument) -> list[str]:
    """Absolute paths named by one program argument: /x, --opt=/x, sqlite:////x."""
    if not isinstance(argument, str | bytes | os.PathLike):
        return []
    text = os.fsdecode(argument)
    found = []
    for part in text.split("="):
        if part.startswith("sqlite:///"):
            part = part[len("sqlite:///") :]  # what is left is the file's path
        if part.startswith(os.sep):
            found.append(os.sep + part.lstrip(os.sep))
    return found


def _record(event: str, path: str) -> None:
    FOUND.append((event, path))
    if _log is not None:
        with open(os.path.join(_log, f"{os.getpid()}.log"), "a", encoding="utf-8") as fh:
            fh.write(f"{event}\t{path}\t{' '.join(sys.argv)[:200]}\n")


_busy = False


def hook(event: str, args: tuple) -> None:
    global _busy
    if event not in WATCHED or _busy:
        return
    _busy = True
    try:
        if event == "open":
            if outside(args[0]):
                _record(event, os.fsdecode(args[0]))
        elif event == "sqlite3.connect":
            name = args[0]
            if isinstance(name, str) and (name.startswith("file:") or name == ":memory:"):
                return
            if outside(name):
                _record(event, os.fsdecode(name))
        else:  # subprocess.Popen: (executable, args, cwd, env)
            _executable, argv, cwd, _env = args
            argv = [argv] if isinstance(argv, str | bytes) else list(argv or [])
            for path in [p for a in argv for p in _paths_in(a)] + _paths_in(cwd or ""):
                # an argument that names nothing on disk is not a file (a web address's path)
                if outside(path) and os.path.lexists(path):
                    _record(event, path)
    finally:
        _busy = False


def start_from_environment() -> None:
    """In a subprocess: watch when the test run asked for it."""
    allowed = os.environ.get("COMMISSIONING_TEST_ALLOWED")
    if not allowed:
        return
    denied = os.environ.get("COMMISSIONING_TEST_DENIED", "")
    configure(
        allowed.split(os.pathsep),
        os.environ.get("COMMISSIONING_TEST_OPENS_LOG"),
        [d for d in denied.split(os.pathsep) if d],
    )
    sys.addaudithook(hook)


if __name__ == "sitecustomize":
    start_from_environment()
    # this file stands in front of any other sitecustomize (Debian's installs one): run it too
    here = os.path.dirname(os.path.abspath(__file__))
    for folder in sys.path:
        if folder and os.path.abspath(folder) != here:
            candidate = os.path.join(folder, "sitecustomize.py")
            if os.path.isfile(candidate):
                with open(candidate, encoding="utf-8") as fh:
                    exec(compile(fh.read(), candidate, "exec"), {"__name__": "sitecustomize"})
                break
