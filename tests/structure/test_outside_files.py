"""The session-wide watch for files opened outside the clone (tests/outside_files/sitecustomize.py,
installed by tests/conftest.py) notices what it should, in this process and in subprocesses.

A fresh clone's test run must read nothing outside the clone: every open of a path outside the
clone, the temporary folders, the virtualenv, the Python installation and the system's folders
fails the session at its end. These tests open (or try to open) such a path on purpose, check
it was noticed, then take the record out again so the session itself stays clean.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
# where the NHS samples used to be read from: a `shared` folder beside the clone
BESIDE = REPOSITORY.parent / "shared" / "nhs-formats" / "samples" / "ods_epraccur.csv"
NOWHERE = "/commissioning-test-no-such-folder/data.csv"


@pytest.fixture
def watch(outside_files_watch):
    assert outside_files_watch.allowed_roots(), "tests/conftest.py did not start watching"
    return outside_files_watch


def test_paths_in_the_clone_and_temporary_folders_are_allowed(watch, tmp_path):
    assert not watch.outside(REPOSITORY / "tests" / "data" / "README.md")
    assert not watch.outside(tmp_path / "x.csv")
    assert not watch.outside(Path(sys.prefix) / "lib")
    assert not watch.outside("/usr/share/zoneinfo/UTC")
    assert not watch.outside("tests/data/README.md") or Path.cwd() != REPOSITORY
    assert not watch.outside(3)  # a file descriptor


def test_a_folder_beside_the_clone_is_outside(watch):
    """The reference folder beside the clone is outside wherever the clone is, also in a
    temporary folder (``mktemp -d``), whose neighbours are otherwise allowed."""
    assert watch.outside(BESIDE)
    assert watch.outside(NOWHERE)
    # not fooled by a shared prefix: a folder named like the clone is as outside as any other
    # folder beside it (both allowed only when the clone is in a temporary folder)
    other = str(REPOSITORY) + "-other/file.csv"
    assert watch.outside(other) == watch.outside(REPOSITORY.parent / "file.csv")
    assert watch.outside(str(BESIDE.parents[2]) + "-other/x") == watch.outside(other)


def test_an_open_outside_in_this_process_is_recorded(watch):
    before = len(watch.FOUND)
    with pytest.raises(FileNotFoundError):
        Path(NOWHERE).read_bytes()  # the audit event comes before the open fails
    found = watch.FOUND[before:]
    del watch.FOUND[before:]
    assert ("open", NOWHERE) in found


def test_an_open_outside_in_a_subprocess_is_recorded(watch):
    log = Path(os.environ["COMMISSIONING_TEST_OPENS_LOG"])
    script = f"import sqlite3\ntry:\n    open({NOWHERE!r})\nexcept OSError:\n    pass\n"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    mine = []
    for path in log.glob("*.log"):
        lines = path.read_text().splitlines()
        kept = [line for line in lines if NOWHERE not in line]
        mine += [line for line in lines if NOWHERE in line]
        if kept:
            path.write_text("\n".join(kept) + "\n")
        else:
            path.unlink()
    assert any(line.startswith(f"open\t{NOWHERE}") for line in mine), mine


def test_a_subprocess_given_a_path_outside_is_recorded(watch):
    """A program given a file or folder outside (the folder beside the clone, or another that
    exists);
    an argument that names nothing on disk, such as a web address's path, is not a file."""
    beside = next(str(p) for p in (REPOSITORY.parent, Path.home(), Path("/")) if watch.outside(p))
    before = len(watch.FOUND)
    subprocess.run(["true", f"--folder={beside}", "/communities/x/needs/"], check=True)
    found = watch.FOUND[before:]
    del watch.FOUND[before:]
    assert found == [("subprocess.Popen", beside)]
