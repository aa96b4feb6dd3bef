"""docs/guide/own-area.md is followed, command by command, on the copies in tests/data, and
every step prints what the guide says it prints, so the guide cannot drift from the code.

How the guide is read:

- every ```sh block is run, in order, in one temporary folder holding the files the guide names
  (copied from tests/data, see FILES), against one new database (a SQLite file; in the
  PostgreSQL pass a new PostgreSQL database), as ``python -m commissioning ...`` through the
  shell (so globs work). ```shell blocks are shown to the reader and not run (serving the app);
- the ```text block right after an ```sh block is what its commands print (standard output,
  then standard error); a line ``...`` stands for any number of lines. Its commands must exit
  with status 0, or with the status a ``# exits with status N`` line in the ```sh block says;
- ``commissioning user add`` asks for the password twice on a terminal: here it is given on
  standard input (``--password-stdin``), the way the guide says scripts give it;
- ``<!-- page: PATH as USER -->`` before a ```text block: every line of the block is in the text
  of that page, signed in as that login; ``<!-- pdf: FILE -->``: every line is in the text of
  that PDF (pdftotext).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
GUIDE = REPOSITORY / "docs" / "guide" / "own-area.md"
DATA = REPOSITORY / "tests" / "data"
PASSWORD = "Guide-Pa55-word"
#: The guide's file names, and the copies in tests/data that stand for them.
FILES = {
    "eccg.csv": "nhs-formats/ods_eccg.csv",
    "epraccur.csv": "nhs-formats/ods_epraccur.csv",
    "MAPPING_NHS_GEOGRAPHIES_2021.csv": "nhs-formats/qof_mapping_nhs_geographies_2020_21.csv",
    "gp-reg-pat-prac-quin-age.csv": "own-area/gp-reg-pat-prac-quin-age.csv",
    "PREVALENCE_1920.csv": "own-area/PREVALENCE_1920.csv",
    "PREVALENCE_2021_v2.csv": "own-area/PREVALENCE_2021_v2.csv",
    "indicators-England.data.csv": "own-area/indicators-England.data.csv",
    "gp-reg-pat-prac-all": "own-area/gp-reg-pat-prac-all",
    "dem-diag-ind-nhs": "own-area/dem-diag-ind-nhs",
}
PAGE = re.compile(r"<!--\s*page:\s*(\S+)\s+as\s+(\S+)\s*-->")
PDF = re.compile(r"<!--\s*pdf:\s*(\S+)\s*-->")
STATUS = re.compile(r"#\s*exits with status (\d+)")


@dataclass
class Step:
    kind: str  # "run", "page" or "pdf"
    line: int  # where it is in the guide
    commands: list[str] = field(default_factory=list)
    status: int = 0
    expected: list[str] = field(default_factory=list)
    target: str = ""  # page path or PDF file
    user: str = ""


def steps(text: str) -> list[Step]:
    """The guide's steps, in order."""
    out: list[Step] = []
    lines = text.splitlines()
    i = 0
    pending: Step | None = None
    after_sh = -1  # the line after the last ```sh block's closing fence
    while i < len(lines):
        line = lines[i]
        if m := PAGE.search(line):
            pending = Step("page", i + 1, target=m.group(1), user=m.group(2))
        elif m := PDF.search(line):
            pending = Step("pdf", i + 1, target=m.group(1))
        elif line.startswith("```"):
            fence = line[3:].strip()
            j = i + 1
            while not lines[j].startswith("```"):
                j += 1
            body = lines[i + 1 : j]
            if fence == "sh":
                step = Step("run", i + 1)
                command = ""
                for b in body:
                    if m := STATUS.search(b):
                        step.status = int(m.group(1))
                    if b.strip().startswith("#") or not b.strip():
                        continue
                    command += b.rstrip("\\").strip() + " "
                    if not b.rstrip().endswith("\\"):
                        step.commands.append(command.strip())
                        command = ""
                out.append(step)
                after_sh = j + 1
            elif fence == "text" and pending is not None:
                pending.expected = body
                out.append(pending)
                pending = None
            elif (
                fence == "text"
                and out
                and out[-1].kind == "run"
                and after_sh >= 0
                and all(not x.strip() for x in lines[after_sh:i])
            ):
                out[-1].expected = body
            i = j
        i += 1
    return out


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` is ``expected`` line for line, where ``...`` is any number of lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and actual[0] == expected[0] and matches(expected[1:], actual[1:])


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def database(tmp_path, request):
    """A new, empty database: a SQLite file, or in the PostgreSQL pass a PostgreSQL database."""
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        server = request.getfixturevalue("postgres_server")
        import psycopg

        name = f"guide_{uuid.uuid4().hex[:12]}"
        admin = psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5)
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{server.replace('postgresql://', 'postgres://', 1)}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()
    else:
        yield f"sqlite:///{tmp_path / 'own-area.sqlite3'}"


PAGE_SCRIPT = """
import html as entities, json, re, sys
from commissioning.store.runtime import setup
setup(migrate=False)
from django.contrib.auth import get_user_model
from django.test import Client
pages = []
for user, path in json.loads(sys.argv[1]):
    client = Client()
    client.force_login(get_user_model().objects.get(username=user))
    response = client.get(path)
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\\1>", " ", html, flags=re.S)
    pages.append([response.status_code, entities.unescape(re.sub(r"<[^>]+>", " ", html))])
print(json.dumps(pages))
"""


def fetch_pages(wanted: list[Step], folder: Path, env: dict) -> list[tuple[int, str]]:
    """The pages, each as its login sees it: (status, text), in one process."""
    import json

    run = subprocess.run(
        [sys.executable, "-c", PAGE_SCRIPT, json.dumps([[s.user, s.target] for s in wanted])],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    return [(status, text) for status, text in json.loads(run.stdout)]


def test_the_own_area_guide_runs_as_written(tmp_path, database):
    folder = tmp_path / "work"
    folder.mkdir()
    for name, source in FILES.items():
        source = DATA / source
        if source.is_dir():
            shutil.copytree(source, folder / name)
        else:
            shutil.copyfile(source, folder / name)
    env = {**os.environ, "DATABASE_URL": database, "COMMISSIONING_DATA": str(tmp_path / "data")}
    python = f'"{sys.executable}" -m commissioning'
    guide = steps(GUIDE.read_text())
    assert sum(s.kind == "run" for s in guide) >= 10, "the guide's commands were not found"
    assert {s.kind for s in guide} == {"run", "page", "pdf"}
    pages: dict[int, tuple[int, str]] = {}  # id(step) -> the page fetched for it
    for k, step in enumerate(guide):
        where = f"{GUIDE.name}, line {step.line}"
        if step.kind == "run":
            printed: list[str] = []
            for n, command in enumerate(step.commands, start=1):
                assert command.startswith("commissioning "), f"{where}: {command}"
                stdin = None
                if command.startswith("commissioning user add"):
                    command += " --password-stdin"
                    stdin = PASSWORD + "\n"
                run = subprocess.run(
                    python + command[len("commissioning") :],
                    shell=True,
                    cwd=folder,
                    env=env,
                    input=stdin,
                    capture_output=True,
                    text=True,
                    timeout=900,
                )
                printed += (run.stdout + run.stderr).splitlines()
                status = step.status if n == len(step.commands) else 0
                assert run.returncode == status, (
                    f"{where}: `{command}` exited with {run.returncode}, not {status}:\n"
                    f"{run.stdout}{run.stderr}"
                )
            actual = [p.rstrip() for p in printed]
            assert matches([e.rstrip() for e in step.expected], actual), (
                f"{where}: `{'; '.join(step.commands)}` printed:\n"
                + "\n".join(actual)
                + "\n\nbut the guide says:\n"
                + "\n".join(step.expected)
            )
        elif step.kind == "page":
            if id(step) not in pages:  # this page and the ones right after it, in one process
                following = guide[k:]
                batch = []
                for s in following:
                    if s.kind != "page":
                        break
                    batch.append(s)
                pages.update(zip(map(id, batch), fetch_pages(batch, folder, env), strict=True))
            status, text = pages[id(step)]
            assert status == 200, f"{where}: {step.target} answered {status}"
            page = flat(text)
            for line in step.expected:
                assert flat(line) in page, f"{where}: not on {step.target}: {line}\n\n{page}"
        else:
            pdf = folder / step.target
            assert pdf.read_bytes().startswith(b"%PDF"), f"{where}: {pdf} is not a PDF"
            run = subprocess.run(
                ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True
            )
            assert run.returncode == 0, run.stderr
            text = flat(run.stdout)
            for line in step.expected:
                assert flat(line) in text, f"{where}: not in {step.target}: {line}\n\n{text}"


def test_the_guide_reader_finds_commands_outputs_and_statuses():
    """The reader itself, on a small made-up guide (so a broken reader cannot pass quietly)."""
    text = "\n".join(
        [
            "```sh",
            "commissioning area create \\",
            "  --commissioner ZZZ",
            "# exits with status 1",
            "```",
            "",
            "```text",
            "commissioning area: no organisation",
            "```",
            "<!-- page: /x/ as ann -->",
            "```text",
            "Hello",
            "```",
            "```shell",
            "commissioning serve",
            "```",
        ]
    )
    found = steps(text)
    assert [(s.kind, s.commands, s.status, s.expected) for s in found] == [
        ("run", ["commissioning area create --commissioner ZZZ"], 1, found[0].expected),
        ("page", [], 0, ["Hello"]),
    ]
    assert found[0].expected == ["commissioning area: no organisation"]
    assert found[1].target == "/x/" and found[1].user == "ann"
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "...", "b"], ["a", "b"])
    assert not matches(["a", "...", "d"], ["a", "b", "c"])
    assert not matches(["a"], ["a", "b"])
