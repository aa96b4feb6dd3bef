"""Load test: the web app on PostgreSQL with ICB-scale data, N signed-in users, wrk on loopback.

    python benchmarks/load_test.py [--users 20] [--seconds 25] [--mixed-seconds 60]

One command does everything:

1. starts the throw-away PostgreSQL cluster (`scripts/ensure-postgres.sh`) and (re)creates the
   database `loadtest`;
2. builds the synthetic demo into it (`commissioning demo --no-serve`);
3. adds ICB-scale patient-level measures: the measure library's output for the 1.5M-patient
   synthetic ICB (`benchmarks/results/measures-synth-1500000-60.parquet`, made with
   `commissioning measures` when missing, from `commissioning synth --patients 1500000
   --months 60`, also made when missing) becomes 187 more GP practices in the Calderdale
   community with their observations, and the largest other measures output there (the
   national or 10M run of `bench_scaling.py`) becomes practices outside any community, so the
   observation table has national size. Periods are moved back 11 years onto the demo's
   months (April 2008 to March 2013). Without a larger run, the ICB's output goes in 40 more
   times under other practice codes (7,480 practices, 2.7M rows: the national run's size).
   Rows go in with PostgreSQL COPY, then ANALYZE;
4. serves the app with `commissioning serve --workers N` (N server processes, default one per
   core: gunicorn with 4 threads each; `--workers 1` is the single waitress process) on
   127.0.0.1;
5. signs in the users (12 in Calderdale, 4 each in Wirral and Somerset; commissioners and
   viewers), has each open each page once (the first request after a change works the page
   out and keeps it; its cost is reported separately), then drives each main page with wrk,
   one page at a time and then all pages mixed.
   Each user asks for gzip, as browsers do, and waits a random 0.5-2.5 s between requests
   (think time); a response other than 200, or none within 10 s, counts as an error.

`--profile` (or `--profile-only --reuse`, on the database already built) first serves each page
alone, in-process, and records its processor time, queries and size: the figure that other
jobs on a shared machine do not distort.

Prints p50/p95/p99 latency, requests, errors and the server's processor time per request for
each page, with the load average, and writes them to benchmarks/results/load_test.json.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.cookiejar
import io
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
BIN = Path(sys.executable).parent
ICB_PATIENTS, ICB_MONTHS = 1_500_000, 60
ICB = RESULTS / f"measures-synth-{ICB_PATIENTS}-{ICB_MONTHS}.parquet"
BULK_COPIES = 40  # copies of the ICB output outside any community when no national run exists
SHIFT_MONTHS = -11 * 12  # synthetic data starts April 2019; the demo's months start April 2008
PAGES = ["community", "needs", "development", "practice", "api", "monitoring"]

LUA = r"""
users = %(users)s
page = %(page)s
trace = %(trace)s
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_usec; } commissioning_timeval;
int gettimeofday(commissioning_timeval *tv, void *tz);
]]
local tv = ffi.new("commissioning_timeval")
local function now_ms()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
end
local counter = 0
local threads = {}
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end
function init(args)
  me = users[id]
  n, errors, k = 0, 0, id
  math.randomseed(id * 7919)
  if trace ~= "" then out = io.open(trace .. id .. ".tsv", "w") end
end
function request()
  local paths = me.paths
  local path
  if page == "" then
    k = k + 1
    path = paths[(k %% #paths) + 1]
  else
    path = paths[page]
  end
  sent, sent_path = now_ms(), path
  return wrk.format("GET", path, {["Cookie"] = me.cookie, ["Accept-Encoding"] = "gzip"})
end
function delay()
  return math.random(500, 2500)
end
function response(status, headers, body)
  n = n + 1
  if status ~= 200 then errors = errors + 1 end
  if out then
    out:write(string.format("%%.1f\t%%.1f\t%%d\t%%s\n", sent, now_ms() - sent, status, sent_path))
    out:flush()
  end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("errors") or 0) end
  io.write(string.format(
    'WRK {"requests": %%d, "p50_ms": %%.1f, "p95_ms": %%.1f, "p99_ms": %%.1f, "max_ms": %%.1f, ' ..
    '"mean_ms": %%.1f, "non_200": %%d, "socket_errors": %%d}\n',
    summary.requests, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def say(message: str) -> None:
    print(f"[{dt.datetime.now(dt.UTC):%H:%M:%S}] {message}", flush=True)


def cpu_seconds(pid: int) -> float:
    """Processor time of a process and its live children (the server's worker processes)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):  # fields[1]: parent's id
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def database(name: str) -> str:
    out = subprocess.run(
        ["bash", str(ROOT / "scripts" / "ensure-postgres.sh")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    base = out.splitlines()[-1]
    import psycopg

    with psycopg.connect(base, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        con.execute(f"CREATE DATABASE {name}")
    return base.rsplit("/", 1)[0] + "/" + name


def measures_output(folder: Path, out: Path) -> None:
    """The measure library's output for the synthetic ICB, made when missing, and its input too
    (`commissioning synth`, as bench_scaling.py makes it): every benchmark builds its own."""
    if out.exists():
        return
    if not (folder / "events.parquet").exists():
        from bench_scaling import ensure_dataset  # this script's folder is on the path

        say(f"generating the synthetic ICB's patient-level data into {folder}")
        ensure_dataset(ICB_PATIENTS, ICB_MONTHS)
    say(f"working out the measures into {out}")
    subprocess.run(
        [str(BIN / "commissioning"), "measures", str(folder), "-o", str(out)], check=True
    )


def bulk_output() -> Path | None:
    """The largest measures output other than the ICB's (national scale when it exists)."""
    found = [p for p in RESULTS.glob("measures-synth-*-60.parquet") if p != ICB]
    if not found:
        return None
    return max(found, key=lambda p: int(p.name.split("-")[2]))


def load_observations(url: str) -> dict:
    """Practices, indicators and observations from the patient-level measures, by COPY."""
    import pandas as pd
    import psycopg

    from commissioning.analytics.measures import load_library
    from commissioning.store.models import (
        CommissioningCommunity,
        Indicator,
        Observation,
        Organisation,
        OrganisationKind,
    )

    library = {m.id: m for m in load_library()}
    indicators = {}
    for m in library.values():
        indicators[m.id] = Indicator.objects.create(
            code=f"pl_{m.id}"[:40],
            name=m.name,
            domain="outcome" if m.unit != "£" else "finance",
            unit=m.unit,
            polarity="neutral",
            source="Synthetic patient-level data (load test)",
            frequency=m.frequency,
            patient_counts=m.numerator.counts_people,
        ).pk
    frames = [("", ICB)]
    bulk = bulk_output()
    if bulk is not None:
        frames.append(("YX", bulk))
    else:  # no national run here: the ICB's output 40 times over (7,480 practices, 2.7M rows)
        frames += [(f"Y{n:02d}", ICB) for n in range(BULK_COPIES)]
    calderdale = CommissioningCommunity.objects.get(code="calderdale")
    counts = {}
    table = Observation._meta.db_table
    for prefix, path in frames:
        df = pd.read_parquet(path)
        codes = sorted(set(df["organisation"]))
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(
                    ods_code=f"{prefix}{c}",
                    name=f"Synthetic practice {prefix}{c}",
                    kind=OrganisationKind.GP_PRACTICE,
                    synthetic=True,
                )
                for c in codes
            ],
            batch_size=2000,
        )
        ids = dict(zip(codes, [o.pk for o in orgs], strict=True))
        if not prefix:
            calderdale.members.add(*ids.values())
        period = pd.to_datetime(df["period"]) + pd.DateOffset(months=SHIFT_MONTHS)
        rows = pd.DataFrame(
            {
                "indicator_id": df["measure"].map(indicators),
                "organisation_id": df["organisation"].map(ids),
                "period": period.dt.strftime("%Y-%m-%d"),
                "value": df["value"],
                "numerator": df["numerator"],
                "denominator": df["denominator"],
            }
        )
        buffer = io.StringIO()
        rows.to_csv(buffer, index=False, header=False, na_rep="")
        with psycopg.connect(url) as con, con.cursor() as cur:
            columns = "indicator_id, organisation_id, period, value, numerator, denominator"
            with cur.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
                copy.write(buffer.getvalue())
        kept = counts.setdefault(path.name, {"practices": 0, "observations": 0})
        kept["practices"] += len(codes)
        kept["observations"] += len(rows)
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("ANALYZE")
        counts["observations_total"] = con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        counts["organisations_total"] = con.execute(
            f"SELECT COUNT(*) FROM {Organisation._meta.db_table}"
        ).fetchone()[0]
    return counts


def targets() -> dict[str, dict[str, str]]:
    """Each community's main pages (paths), from the database."""
    from commissioning.store.models import CommissioningCommunity, ServiceDevelopment

    out = {}
    for community in CommissioningCommunity.objects.filter(synthetic=True).order_by("code"):
        c = community.code
        development = ServiceDevelopment.objects.filter(community=community).order_by("pk").first()
        out[c] = {
            "community": f"/communities/{c}/",
            "monitoring": f"/communities/{c}/monitoring/",
            "needs": f"/communities/{c}/needs/diabetes/",
            "development": f"/communities/{c}/developments/{development.slug}/",
            "practice": f"/communities/{c}/work/",
            "api": "/api/observations",
        }
    return out


def sign_in(base: str, username: str, password: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(f"{base}/login/", data=data, headers={"Referer": base})
    opener.open(request).read()
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise SystemExit(f"could not sign in as {username}")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def _unzipped(response) -> bytes:
    import gzip

    if response.get("Content-Encoding") == "gzip":
        return gzip.decompress(response.content)
    return response.content


def profile_pages(users: list[dict], pages: list[str], repeats: int = 3) -> dict:
    """Each page served in-process, one request at a time: processor time, queries, size.

    On a shared machine the latency under load mostly measures the other jobs; the processor
    time one request costs (median of ``repeats``, after one warm-up) does not.
    """
    import statistics

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out = {}
    seen = set()
    for u in users:
        if u["community"] in seen:
            continue
        seen.add(u["community"])
        client = Client()
        client.force_login(get_user_model().objects.get(username=u["username"]))
        for page in pages:
            path = u["paths"][page]
            # The first request works the page out (nothing kept yet: store.computed); the
            # repeats show what every later request costs until a record changes.
            cpu = time.process_time()
            client.get(path, HTTP_HOST="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip")
            first_cpu = time.process_time() - cpu
            runs = []
            for _ in range(repeats):
                with CaptureQueriesContext(connection) as queries:
                    wall, cpu = time.perf_counter(), time.process_time()
                    response = client.get(path, HTTP_HOST="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip")
                    runs.append((time.process_time() - cpu, time.perf_counter() - wall))
            key = f"{u['community']} {page}"
            out[key] = {
                "status": response.status_code,
                "first_cpu_ms": round(1000 * first_cpu),
                "cpu_ms": round(1000 * statistics.median(c for c, _ in runs)),
                "wall_ms": round(1000 * statistics.median(w for _, w in runs)),
                "queries": len(queries.captured_queries),
                "sql_ms": round(1000 * sum(float(q["time"]) for q in queries.captured_queries)),
                "kb": round(len(response.content) / 1024),  # as sent (gzip, as browsers ask)
                "html_kb": round(len(_unzipped(response)) / 1024),
            }
            say(f"profile {key}: {out[key]}")
    return out


def lua_table(value) -> str:
    if isinstance(value, dict):
        items = (f"[{json.dumps(k)}] = {lua_table(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list):
        return "{" + ", ".join(lua_table(v) for v in value) + "}"
    return json.dumps(value)


def drain(base: str, limit: float = 600) -> None:
    """Wait until the server answers /health quickly: requests left from a run have finished."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        t = time.perf_counter()
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"{base}/health", timeout=60).read()
        if time.perf_counter() - t < 0.2:
            return
        time.sleep(1)


def warm(base: str, users: list[dict], pages: list[str], rounds: int = 6) -> dict:
    """Each user opens each page, eight at a time, in rounds, before anything is timed.

    The heavy pages work their figures out on the first request after a change and keep them
    (store.computed), in each server process: one process may not get a page's first request
    in a round, so rounds repeat until none of a round's requests takes a second (at most
    ``rounds``). The timed runs then measure the steady state of people using the app between
    imports. What first requests cost is reported here (wall clock of the slowest request per
    page in the first round, with the others queueing beside it) and, without other load, by
    ``--profile`` (``first_cpu_ms``).
    """
    from concurrent.futures import ThreadPoolExecutor

    def fetch(job) -> tuple[str, float]:
        u, page = job
        request = urllib.request.Request(base + u["paths"][page], headers={"Cookie": u["cookie"]})
        t = time.perf_counter()
        with contextlib.suppress(OSError):
            urllib.request.urlopen(request, timeout=120).read()
        return page, time.perf_counter() - t

    jobs = [(u, page) for u in users for page in pages]
    out: dict = {}
    for n in range(1, rounds + 1):
        slowest: dict[str, float] = {}
        with ThreadPoolExecutor(8) as pool:
            for page, seconds in pool.map(fetch, jobs):
                slowest[page] = max(slowest.get(page, 0.0), seconds)
        if n == 1:
            out = {page: round(1000 * s) for page, s in slowest.items()}
        if max(slowest.values()) < 1.0:
            break
    out["rounds"] = n
    return out


def slowest_requests(prefix: Path, started: float, n: int, keep: Path) -> list[list]:
    """The ``n`` slowest requests of a traced run: [seconds into the run, ms, status, path].

    wrk's threads each wrote one line a request (when it was sent, its latency, status and
    path); they are merged, in the order sent, into ``keep``.
    """
    rows = []
    for part in prefix.parent.glob(prefix.name + "*.tsv"):
        for line in part.read_text().splitlines():
            sent, ms, status, path = line.split("\t")
            rows.append([round(float(sent) / 1000 - started, 2), float(ms), int(status), path])
        part.unlink()
    rows.sort()
    keep.write_text("".join("\t".join(map(str, r)) + "\n" for r in rows))
    return sorted(rows, key=lambda r: -r[1])[:n]


def drive(
    base: str,
    users: list[dict],
    page: str,
    seconds: int,
    server_pid: int,
    mixed: list[str],
    trace: bool = False,
) -> dict:
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    plain = [{"cookie": u["cookie"], "paths": u["paths"]} for u in users]
    if not page:
        for u in plain:
            u["paths"] = [u["paths"][p] for p in mixed]
    prefix = Path(tempfile.mkdtemp()) / "trace-" if trace else None
    script.write_text(
        LUA
        % {
            "users": lua_table(plain),
            "page": json.dumps(page),
            "trace": json.dumps(str(prefix) if prefix else ""),
        }
    )
    started = time.time()
    n = len(users)
    load_before, cpu_before = loadavg(), cpu_seconds(server_pid)
    out = subprocess.run(
        ["wrk", f"-t{n}", f"-c{n}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), base],
        capture_output=True,
        text=True,
    )
    script.unlink()
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("WRK ")), None)
    if line is None:
        raise SystemExit(f"wrk failed: {out.stdout}\n{out.stderr}")
    result = json.loads(line[4:])
    server_cpu = cpu_seconds(server_pid) - cpu_before
    result["server_cpu_ms_per_request"] = round(1000 * server_cpu / max(1, result["requests"]), 1)
    result["errors"] = result["non_200"] + result["socket_errors"]
    result["load"] = f"{load_before} / {loadavg()}"
    if prefix is not None:
        keep = RESULTS / f"load_test_trace-{page or 'mixed'}.tsv"
        result["slowest"] = slowest_requests(prefix, started, 10, keep)
        prefix.parent.rmdir()
    return result


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--seconds", type=int, default=25, help="per page")
    p.add_argument("--mixed-seconds", type=int, default=60)
    p.add_argument("--port", type=int, default=8765)
    p.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="server processes (default: cores)"
    )
    p.add_argument("--db-name", default="loadtest")
    p.add_argument("--reuse", action="store_true", help="keep the database already built")
    p.add_argument("--pages", default=",".join(PAGES), help="pages driven one at a time")
    p.add_argument("--profile", action="store_true", help="first time each page alone, in-process")
    p.add_argument("--profile-only", action="store_true", help="--profile, then stop")
    p.add_argument(
        "--trace",
        action="store_true",
        help="keep each request's time and latency (benchmarks/results/load_test_trace-*.tsv) "
        "and print when the slowest ones were sent",
    )
    p.add_argument(
        "--mixed",
        default=",".join(PAGES),
        help="pages in the mixed run (empty: no mixed run)",
    )
    args = p.parse_args()
    args.profile = args.profile or args.profile_only
    RESULTS.mkdir(exist_ok=True)  # git-ignored: missing on a clean checkout
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    record: dict = {"date": str(dt.date.today()), "users": args.users, "steps": {}}
    password = secrets.token_urlsafe(12)
    if args.reuse:
        url = database_url(args.db_name)
    else:
        t = time.perf_counter()
        url = database(args.db_name)
        say(f"building the demo into {url}")
        subprocess.run(
            [str(BIN / "commissioning"), "demo", "--db", url, "--no-serve", "--password", password],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        record["steps"]["demo_s"] = round(time.perf_counter() - t, 1)
    from commissioning.store.runtime import setup

    setup(url, migrate=False)
    if not args.reuse:
        t = time.perf_counter()
        measures_output(RESULTS / f"synth-{ICB_PATIENTS}-{ICB_MONTHS}", ICB)
        say("loading ICB-scale observations")
        record["data"] = load_observations(url)
        record["steps"]["observations_s"] = round(time.perf_counter() - t, 1)
        say(f"loaded: {record['data']}")
    paths = targets()
    plan = ["calderdale"] * 12 + ["wirral"] * 4 + ["somerset"] * 4
    plan = (plan * (args.users // len(plan) + 1))[: args.users]
    roles = ["commissioner", "viewer"]
    from django.contrib.auth import get_user_model

    for user in get_user_model().objects.filter(
        username__in={f"{c}-{r}" for c in plan for r in roles}
    ):
        user.set_password(password)  # a fresh password for this run (also with --reuse)
        user.save(update_fields=["password"])
    base = f"http://127.0.0.1:{args.port}"
    log = open(RESULTS / "load_test_server.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [str(BIN / "commissioning"), "serve", "--db", url, "--port", str(args.port)]
        + ["--workers", str(args.workers)],
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/health", timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        users = []
        for i, code in enumerate(plan):
            cookie = sign_in(base, f"{code}-{roles[i % 2]}", password)
            users.append(
                {"community": code, "username": f"{code}-{roles[i % 2]}", "cookie": cookie}
                | {"paths": paths[code]}
            )
        server_kind = (
            f"commissioning serve --workers {args.workers} (gunicorn, 4 threads each)"
            if args.workers > 1
            else "commissioning serve (waitress, 8 threads)"
        )
        say(f"signed in {len(users)} users; server: {server_kind}")
        record["server"] = server_kind
        record["pages"] = {}
        if args.profile:
            profiled = [x for x in args.pages.split(",") if x]
            record["profile"] = profile_pages(users, profiled)
            if args.profile_only:
                return _write(record)
        mixed = [m for m in args.mixed.split(",") if m]
        singles = [x for x in args.pages.split(",") if x]
        record["first_request_ms"] = warm(base, users, sorted(set(singles) | set(mixed)))
        say(f"warmed up; slowest first request per page (ms): {record['first_request_ms']}")
        for page in singles + ([""] if mixed else []):
            seconds = args.seconds if page else args.mixed_seconds
            drain(base)
            result = drive(base, users, page, seconds, server.pid, mixed, args.trace)
            name = page or f"mixed: {', '.join(mixed)}"
            record["pages"][name] = result
            say(
                f"{name}: p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, "
                f"p99 {result['p99_ms']:.0f} ms, {result['requests']} requests, "
                f"{result['errors']} errors, server {result['server_cpu_ms_per_request']} ms "
                f"CPU/request, load {result['load']}"
            )
            if args.trace:
                slow = ", ".join(f"{ms:.0f} ms at {at} s" for at, ms, _, _ in result["slowest"])
                say(f"{name}: slowest requests: {slow}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    return _write(record)


def _write(record: dict) -> int:
    name = "load_test.json" if record.get("pages") else "load_test_profile.json"
    with open(RESULTS / name, "w") as f:
        json.dump(record, f, indent=2)
    for key, r in record.get("profile", {}).items():
        print(
            f"| {key} | {r['cpu_ms']} | {r['wall_ms']} | {r['queries']} | {r['kb']} "
            f"| {r['html_kb']} |"
        )
    if not record.get("pages"):
        return 0
    print("| page | requests | p50 (ms) | p95 (ms) | p99 (ms) | errors | server CPU/request (ms) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, r in record["pages"].items():
        print(
            f"| {name} | {r['requests']:,} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} "
            f"| {r['p99_ms']:.0f} | {r['errors']} | {r['server_cpu_ms_per_request']} |"
        )
    worst = max(r["p95_ms"] for r in record["pages"].values())
    errors = sum(r["errors"] for r in record["pages"].values())
    return 0 if worst < 300 and errors == 0 else 1


def database_url(name: str) -> str:
    out = subprocess.run(
        ["bash", str(ROOT / "scripts" / "ensure-postgres.sh")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return out.splitlines()[-1].rsplit("/", 1)[0] + "/" + name


if __name__ == "__main__":
    sys.exit(main())
