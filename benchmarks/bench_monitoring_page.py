"""Benchmark: a community's monitoring page with 10,000 SPC series, as a user's browser asks for it.

    python benchmarks/bench_monitoring_page.py [--series 10000] [--months 60] [--runs 3]
                                              [--before SRC] [--workers 1] [--reuse]

Issue 27's target: the variation and assurance matrix of 10,000 series on a page, the first
page in under 1 s and later requests in under 150 ms (Making Data Count's own tool holds 25
charts).

One command does everything:

1. (re)creates the PostgreSQL database ``monitoring_bench`` on the throw-away cluster
   (``scripts/ensure-postgres.sh``; ``--db-name`` to choose another) and migrates it;
2. builds a community of ``--series / 20`` GP practices and 20 monthly indicators of its own,
   ``--months`` values each (10,000 series of 60 months: 600,000 observations, by COPY): 14
   percentages of patients (numerator and denominator, so small counts are hidden as on every
   page), 6 values without counts; levels, noise, shifts, trends, outliers, gaps and targets as
   in ``bench_spc.py``; and a commissioner and a viewer of the community;
3. for each run, starts ``commissioning serve`` (a fresh server process: nothing worked out yet;
   ``--workers N`` for gunicorn), signs the commissioner in, and asks for the pages one after
   another on one kept-alive connection, accepting gzip, as a browser does:
   ``first`` (the page, nothing kept), ``again`` (the same page), ``page 2`` and ``page 3`` of
   the charts, ``indicator`` (one indicator's charts), ``matrix cell`` (the link of the first
   non-empty cell of the matrix) and ``page 1`` again; then the viewer's ``first`` (another
   scope: nothing kept for it). With ``--before SRC`` (the ``src`` folder of an earlier
   checkout) each run is made with that code too, alternately, and the two serve the same
   bytes (the pages' HTML is compared, the CSRF token and the page's timing aside).

For each request: the wall-clock time from sending it to the last byte (as the browser waits),
the server's processor time (user + system of the server's processes, from /proc), the bytes
sent and the HTML's size; for each run the server's peak memory (the largest resident set of
its processes, VmHWM) and the load average. Median over ``--runs`` runs. Prints Markdown rows
for docs/benchmarks.md and writes benchmarks/results/monitoring_page.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import http.client
import io
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
BIN = Path(sys.executable).parent
INDICATORS = 20
COUNTED = 14  # of which counts of patients (numerator and denominator); the rest values only
COMMUNITY = "bench"
STEPS = ["first", "again", "page 2", "page 3", "indicator", "matrix cell", "page 1", "viewer first"]


def say(message: str) -> None:
    print(f"[{dt.datetime.now(dt.UTC):%H:%M:%S}] {message}", flush=True)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- the data --------------------------------------------------------------------------------


def make_observations(practices: int, months: int, seed: int = 20261206) -> pd.DataFrame:
    """``practices`` x ``INDICATORS`` monthly series: columns practice (0..), indicator (0..),
    period, value, numerator, denominator, target. Indicators below ``COUNTED`` count patients:
    a register of a share of the practice's list, of which a share (moving as bench_spc's
    series do) meets the indicator; the value is the percentage. The others are values only."""
    rng = np.random.default_rng(seed)
    series = practices * INDICATORS
    n = series * months
    t = np.tile(np.arange(months), series)
    practice = np.repeat(np.arange(practices), INDICATORS * months)
    indicator = np.tile(np.repeat(np.arange(INDICATORS), months), practices)
    # the same dynamics as bench_spc.make_table: a level with noise; shifts, trends, outliers
    level = np.repeat(rng.uniform(0.2, 0.8, series), months)
    spread = np.repeat(rng.uniform(0.02, 0.08, series), months) * level
    share = level + rng.normal(0, 1, n) * spread
    kind = np.repeat(rng.integers(0, 4, series), months)  # 0 stable, 1 shift, 2 trend, 3 outlier
    change = np.repeat(rng.integers(12, max(13, months - 8), series), months)
    share += np.where((kind == 1) & (t >= change), 2.5 * spread, 0)
    share += np.where((kind == 2) & (t >= change) & (t < change + 8), (t - change) * spread, 0)
    share += np.where((kind == 3) & (t == change), 5 * spread, 0)
    share = np.clip(share, 0.01, 0.99)
    list_size = np.repeat(rng.integers(1_500, 20_000, practices), INDICATORS * months)
    register = np.repeat(rng.uniform(0.01, 0.4, INDICATORS), months)[
        np.tile(np.arange(INDICATORS * months), practices)
    ]
    denominator = np.round(list_size * register * (1 + 0.002 * t)).astype(float)
    numerator = np.round(denominator * share)
    counted = indicator < COUNTED
    value = np.where(counted, np.round(100 * numerator / np.maximum(denominator, 1), 2), 0.0)
    cost = np.round(
        share
        * np.repeat(rng.uniform(20, 400, INDICATORS), months)[
            np.tile(np.arange(INDICATORS * months), practices)
        ],
        2,
    )
    value = np.where(counted, value, cost)
    numerator = np.where(counted, numerator, np.nan)
    denominator = np.where(counted, denominator, np.nan)
    gaps = rng.random(n) < 0.002
    value[gaps] = np.nan
    numerator[gaps] = np.nan
    denominator[gaps] = np.nan
    with_target = np.repeat(np.arange(INDICATORS) % 2 == 0, months)[
        np.tile(np.arange(INDICATORS * months), practices)
    ]
    target = np.where(with_target & counted, 55.0, np.where(with_target, 150.0, np.nan))
    periods = pd.date_range("2020-04-01", periods=months, freq="MS").strftime("%Y-%m-%d")
    return pd.DataFrame(
        {
            "practice": practice,
            "indicator": indicator,
            "period": np.tile(np.asarray(periods), series),
            "value": value,
            "numerator": numerator,
            "denominator": denominator,
            "target": target,
        }
    )


def build(url: str, series: int, months: int, password: str) -> dict:
    """The community, its practices, indicators, observations (COPY) and two logins."""
    import psycopg
    from django.contrib.auth import get_user_model

    from commissioning.store.models import (
        CommissioningCommunity,
        Indicator,
        Observation,
        Organisation,
        OrganisationKind,
        Profile,
        Role,
    )

    practices = -(-series // INDICATORS)
    icb = Organisation.objects.create(
        ods_code="QBM", name="Benchmark Integrated Care Board", kind=OrganisationKind.ICB
    )
    community = CommissioningCommunity.objects.create(
        code=COMMUNITY, name="Benchmark community", commissioner=icb, synthetic=True
    )
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                ods_code=f"B{p:05d}",
                name=f"Benchmark practice {p + 1}",
                kind=OrganisationKind.GP_PRACTICE,
                synthetic=True,
            )
            for p in range(practices)
        ],
        batch_size=2000,
    )
    community.members.add(*orgs)
    polarities = ["higher_better", "lower_better", "neutral"]
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(
                code=f"bm{i + 1:02d}",
                name=f"Benchmark indicator {i + 1}",
                domain="outcome",
                unit="%" if i < COUNTED else "£",
                polarity=polarities[i % 3],
                source="Synthetic (benchmark)",
                frequency="monthly",
                patient_counts=i < COUNTED,
            )
            for i in range(INDICATORS)
        ]
    )
    df = make_observations(practices, months)
    rows = pd.DataFrame(
        {
            "indicator_id": np.array([i.pk for i in indicators])[df["indicator"]],
            "organisation_id": np.array([o.pk for o in orgs])[df["practice"]],
            "period": df["period"],
            "value": df["value"],
            "numerator": df["numerator"],
            "denominator": df["denominator"],
            "target": df["target"],
        }
    )
    rows = rows[(df["practice"] * INDICATORS + df["indicator"]) < series]  # exactly ``series``
    buffer = io.StringIO()
    rows.to_csv(buffer, index=False, header=False, na_rep="")
    columns = "indicator_id, organisation_id, period, value, numerator, denominator, target"
    table = Observation._meta.db_table
    copy_in = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)"
    with psycopg.connect(url) as con, con.cursor() as cur, cur.copy(copy_in) as copy:
        copy.write(buffer.getvalue())
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("ANALYZE")
    users = {}
    for role in (Role.COMMISSIONER, Role.VIEWER):
        user = get_user_model().objects.create_user(f"bench-{role}", password=password)
        Profile.objects.create(user=user, role=role, community=community)
        users[str(role)] = user.username
    return {"practices": practices, "series": series, "observations": len(rows), "users": users}


# --- the server and the browser --------------------------------------------------------------


def server_processes(pid: int) -> list[int]:
    """The server's process and its children (gunicorn's worker processes)."""
    out = [pid]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == str(pid):
            out.append(int(stat.parent.name))
    return out


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def peak_memory(pids: list[int]) -> int:
    """The largest peak resident set (VmHWM) among the server's processes, in bytes."""
    peak = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        found = re.search(r"VmHWM:\s+(\d+) kB", status)
        if found:
            peak = max(peak, int(found.group(1)) * 1024)
    return peak


class Browser:
    """One kept-alive connection, cookies and gzip, as a browser asks for pages."""

    def __init__(self, port: int):
        self.port = port
        self.con = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "Accept-Encoding": "gzip",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        started = time.perf_counter()
        self.con.request(method, path, body=body, headers=headers)
        response = self.con.getresponse()
        sent = response.read()
        wall = time.perf_counter() - started
        for value in response.headers.get_all("Set-Cookie") or []:
            name, rest = value.split("=", 1)
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        html = gzip.decompress(sent) if response.getheader("Content-Encoding") == "gzip" else sent
        return response.status, response.getheader("Location"), sent, html, wall

    def sign_in(self, username: str, password: str) -> None:
        _, _, _, page, _ = self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        body = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        ).encode()
        status, _, _, _, _ = self.request(
            "POST",
            "/login/",
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{self.port}/login/",
            },
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"could not sign in as {username}")


def comparable(html: bytes) -> bytes:
    """A page without what differs between any two responses (the CSRF token)."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


def serve(src: Path, url: str, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(src)}
    server = subprocess.Popen(
        [sys.executable, "-m", "commissioning", "serve", "--db", url, "--port", str(port)]
        + ["--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    for _ in range(240):
        try:
            con = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            con.request("GET", "/health")
            con.getresponse().read()
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit(f"the server did not start: {server.stderr.read().decode()[-2000:]}")


def one_run(src: Path, url: str, port: int, workers: int, users: dict, password: str) -> dict:
    """Start a server on ``src``'s code and ask for the pages as a browser: one result a step."""
    server = serve(src, url, port, workers)
    pids = server_processes(server.pid)
    out: dict = {"load": loadavg(), "steps": {}, "pages": {}}
    try:
        base = f"/communities/{COMMUNITY}/monitoring/"
        browser = Browser(port)
        browser.sign_in(users["commissioner"], password)
        pids = server_processes(server.pid)

        def step(name: str, path: str, who: Browser) -> bytes:
            cpu = cpu_seconds(pids)
            status, _, sent, html, wall = who.request("GET", path)
            if status != 200:
                raise SystemExit(f"{name}: {path} answered {status}")
            out["steps"][name] = {
                "wall_ms": round(1000 * wall, 1),
                "cpu_ms": round(1000 * (cpu_seconds(pids) - cpu), 1),
                "sent_kb": round(len(sent) / 1024),
                "html_kb": round(len(html) / 1024),
            }
            out["pages"][name] = comparable(html)
            say(f"  {name}: {out['steps'][name]}")
            return html

        first = step("first", base, browser)
        step("again", base, browser)
        step("page 2", f"{base}?page=2#charts", browser)
        step("page 3", f"{base}?page=3#charts", browser)
        step("indicator", f"{base}?indicator=bm07#charts", browser)
        cell = re.search(rb'<a href="(\?[^"]*variation=[^"]*)" data-group=', first)
        if cell is None:
            raise SystemExit("no matrix cell link on the page")
        step("matrix cell", base + cell.group(1).decode().replace("&amp;", "&"), browser)
        step("page 1", base, browser)
        viewer = Browser(port)
        viewer.sign_in(users["viewer"], password)
        step("viewer first", base, viewer)
        out["peak_memory_mb"] = round(peak_memory(server_processes(server.pid)) / 2**20)
        out["load_after"] = loadavg()
    finally:
        server.terminate()
        server.wait(timeout=60)
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--series", type=int, default=10_000)
    p.add_argument("--months", type=int, default=60)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--before", type=Path, help="the src folder of the code before, run alternately")
    p.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    p.add_argument("--port", type=int, default=8791)
    p.add_argument("--db-name", default="monitoring_bench")
    p.add_argument("--reuse", action="store_true", help="keep the database already built")
    args = p.parse_args()
    RESULTS.mkdir(exist_ok=True)
    sys.path.insert(0, str(HERE))
    from load_test import database, database_url

    password = secrets.token_urlsafe(12)
    url = database_url(args.db_name) if args.reuse else database(args.db_name)
    from commissioning.store.runtime import setup

    setup(url, migrate=not args.reuse)
    from django.contrib.auth import get_user_model

    record: dict = {"date": str(dt.date.today()), "series": args.series, "months": args.months}
    if args.reuse:
        users = {"commissioner": "bench-commissioner", "viewer": "bench-viewer"}
    else:
        t = time.perf_counter()
        say(f"building {args.series:,} series of {args.months} months into {url}")
        record["data"] = build(url, args.series, args.months, password)
        users = record["data"].pop("users")
        say(f"built in {time.perf_counter() - t:.0f} s: {record['data']}")
    for user in get_user_model().objects.filter(username__in=users.values()):
        user.set_password(password)  # a fresh password for this run (also with --reuse)
        user.save(update_fields=["password"])
    from django.db import connections

    connections.close_all()
    codes = {"now": ROOT / "src"}
    if args.before:
        codes = {"before": args.before.resolve(), **codes}
    runs: dict[str, list] = {name: [] for name in codes}
    for n in range(1, args.runs + 1):
        for name, src in codes.items():
            say(f"run {n} of {args.runs}, {name} ({src}), load {loadavg()}")
            runs[name].append(one_run(src, url, args.port, args.workers, users, password))
    same = None
    if args.before:
        same = all(
            b["pages"][s] == a["pages"][s]
            for b, a in zip(runs["before"], runs["now"], strict=True)
            for s in STEPS
        )
        if not same:
            for s in STEPS:
                if runs["before"][0]["pages"][s] != runs["now"][0]["pages"][s]:
                    kept = [
                        RESULTS / f"monitoring_page-{n}-{s.replace(' ', '-')}.html" for n in runs
                    ]
                    for path, name in zip(kept, runs, strict=True):
                        path.write_bytes(runs[name][0]["pages"][s])
                    say(f"the pages differ at step {s!r}: " + ", ".join(map(str, kept)))
    for found in runs.values():
        for r in found:
            r.pop("pages")
    record["runs"] = runs
    record["identical_pages"] = same
    (RESULTS / "monitoring_page.json").write_text(json.dumps(record, indent=2))
    print_table(runs, args)
    if same is False:
        return 1
    return 0


def print_table(runs: dict[str, list], args) -> None:
    def median(name: str, step: str, key: str) -> float:
        return statistics.median(r["steps"][step][key] for r in runs[name])

    names = list(runs)
    print(
        f"\n{args.series:,} series x {args.months} months, `commissioning serve --workers "
        f"{args.workers}`, median of {args.runs} runs; wall ms (server processor ms)\n"
    )
    header = "| request | " + " | ".join(names) + " | sent / HTML (KB) |"
    if "before" in runs:
        header = header.replace(" | sent", " | before / now (wall) | sent")
    print(header)
    print("|" + " --- |" * (header.count("|") - 1))
    for step in STEPS:
        cells = [
            f"{median(n, step, 'wall_ms'):,.0f} ({median(n, step, 'cpu_ms'):,.0f})" for n in names
        ]
        if "before" in runs:
            ratio = median("before", step, "wall_ms") / median("now", step, "wall_ms")
            cells.append(f"{ratio:.1f}x")
        size = runs[names[-1]][0]["steps"][step]
        print(
            f"| {step} | " + " | ".join(cells) + f" | {size['sent_kb']:,} / {size['html_kb']:,} |"
        )
    for name in names:
        memory = ", ".join(str(r["peak_memory_mb"]) for r in runs[name])
        load = "; ".join(f"{r['load']} / {r['load_after']}" for r in runs[name])
        print(f"\n{name}: peak memory of the server (MB) {memory}; load average {load}")


if __name__ == "__main__":
    sys.exit(main())
