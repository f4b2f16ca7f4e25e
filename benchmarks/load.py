"""Load benchmark: N concurrent logged-in users against the production server (gunicorn).

The script prepares a dedicated PostgreSQL database (migrations, demo data, N fictitious
benchmark case workers and a few coordinators, each with their own authenticator), starts
`gunicorn` with production settings on a free localhost port, logs every user in through the
real login and TOTP pages (Python, before the load), then hands their session cookies and CSRF
tokens to `wrk` (C, a few ms of CPU per thousand requests: the load generator must not eat the
cores it measures) for a bounded time. It prints, per page, requests/s, p50/p95/p99, errors
(connection errors, timeouts and any answer other than 200), and the CPU time per request of the
server (gunicorn), of PostgreSQL (the backends of this database) and of the generator.

    apt-get install wrk     # the load generator (Debian package)
    createdb -h 127.0.0.1 -U postgres egide_bench_load
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egide_bench_load PYTHONPATH=src \\
      .venv/bin/python benchmarks/load.py --users 50 --seconds 30 --workers 2 [--page list]

`--page mix` (default): the users share the pages in proportion 3 case list : 3 case detail :
2 screening API, one connection per user, each sending its next request as soon as the last one
answered; the monitoring dashboard is read besides by 2 coordinators, each once a second. `--page
list|detail|api|dashboard`: every user on that one page. A user reads all 20 demo cases of the
worker they were cloned from, in turn.

Target (issue 10): 0 errors, case list and case detail >= 100 req/s each, p95 < 500 ms on 2 cores.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "bench-"
COORDINATOR_PREFIX = "bench-coord-"
COORDINATORS = 2
# Seconds between two loads of the dashboard by one coordinator in the mix.
DASHBOARD_PAUSE_MS = 1000
PASSWORD = "Bench-load-2026-fictitious"  # noqa: S105 - throw-away accounts of a benchmark database
SCREENING = {"person": {"age": 16, "sex": "female"}, "indicators": ["act.recruited"]}
PAGES = ("list", "detail", "api", "dashboard")
MIX = {"list": 3, "detail": 3, "api": 2}
TITLES = {
    "list": "case list",
    "detail": "case detail",
    "api": "screening API",
    "dashboard": "dashboard",
}


def production_env(database_url: str) -> dict[str, str]:
    """Environment of the production settings with throw-away secrets, kept across runs."""
    keys = ROOT / "var" / "bench_load_keys"
    if not keys.exists():
        keys.parent.mkdir(parents=True, exist_ok=True)
        keys.write_text(
            f"{Fernet.generate_key().decode()}\n{secrets.token_urlsafe(40)}\n"
            f"{secrets.token_urlsafe(50)}\n",
            encoding="ascii",
        )
        keys.chmod(0o600)
    field_key, blind_key, secret_key = keys.read_text(encoding="ascii").split()
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "egide.settings.production",
        "EGIDE_BASE_DIR": str(ROOT),
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EGIDE_FIELD_KEYS": field_key,
        "EGIDE_BLIND_INDEX_KEY": blind_key,
        # The audit trail's keys, derived from the throw-away ones (never used elsewhere).
        "EGIDE_AUDIT_KEY": hashlib.sha256(f"audit:{secret_key}".encode()).hexdigest(),
        "EGIDE_AUDIT_SIGNING_KEY": base64.b64encode(
            hashlib.sha256(f"signing:{secret_key}".encode()).digest()
        ).decode(),
        "EGIDE_AUDIT_CHECKPOINT_FILE": str(ROOT / "var" / "bench_load_checkpoints.jsonl"),
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
    }


def _clone(model: Any, username: str, last_name: str) -> Any:
    """A benchmark account with the roles (and regions) of the demo account *model*."""
    from egide.accounts.models import Authenticator, RoleAssignment, User

    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username,
            password=PASSWORD,
            first_name="Bench",
            last_name=last_name,
            email=f"{username}@bench.egide.invalid",
            organisation_id=model.organisation_id,
        )
        for assignment in RoleAssignment.objects.filter(user=model):
            clone = RoleAssignment.objects.create(user=user, role=assignment.role)
            clone.regions.set(assignment.regions.all())
        Authenticator.objects.create(user=user, name="bench", confirmed=True)
    return user


def prepare(users: int) -> tuple[list[str], list[str], list[int]]:
    """Migrate, load the demo, create *users* benchmark case workers and the coordinators;
    return the case workers' and the coordinators' usernames and the cases they read."""
    import django

    django.setup()
    from django.core.management import call_command

    from egide.accounts.models import User
    from egide.cases.models import Case, CaseMember

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    worker = User.objects.get(username="travailleur")
    workers = [_clone(worker, f"{PREFIX}{i:03d}", f"Fictif {i:03d}").username for i in range(users)]
    coordinator = User.objects.get(username="coordination")
    coordinators = [
        _clone(coordinator, f"{COORDINATOR_PREFIX}{i:03d}", f"Coordination {i:03d}").username
        for i in range(COORDINATORS)
    ]
    case_ids = list(Case.objects.filter(owner=worker).values_list("pk", flat=True)[:20])
    if not case_ids:
        sys.exit("No demo case owned by 'travailleur': the demo data did not load.")
    # Each benchmark user is on the team of the demo cases, so that lists and details are full.
    for user in User.objects.filter(username__in=workers):
        for case_id in case_ids:
            CaseMember.objects.get_or_create(case_id=case_id, user=user)
    return workers, coordinators, case_ids


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "egide.cli", "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
    )
    cmd = [sys.executable, "-m", "gunicorn", "egide.wsgi:application"]
    cmd += ["-c", "python:egide.gunicorn_conf", "--access-logfile", "/dev/null"]
    cmd += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"]
    server = subprocess.Popen(cmd, env=env)  # noqa: S603
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)  # noqa: S310
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not answer in 20 s.")


# --- logging in (the real login and second-factor pages) ---------------------------------------

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Session:
    username: str
    cookie: str  # the Cookie header: session and CSRF cookies
    csrf: str  # the X-CSRFToken header of the API's POST


class Browser:
    """Just enough of a browser: cookies by hand (production cookies are Secure, and the
    benchmark speaks plain HTTP to gunicorn), no redirect followed."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.jar: dict[str, str] = {}

    def send(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.jar.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.jar[name.strip()] = rest.split(";", 1)[0]
        connection.close()
        return response.status, response.headers.get("Location", ""), text

    def token(self, page: str) -> str:
        found = CSRF_FIELD.search(page)
        return found.group(1) if found else ""


def log_in(port: int, username: str, device: Any) -> Session:
    """Password, then the authenticator's current code, as a person would."""
    from django_otp.oath import totp

    browser = Browser(port)
    _, _, page = browser.send("GET", "/accounts/login/")
    form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": browser.token(page)}
    status, location, _ = browser.send("POST", "/accounts/login/", form)
    if "/code/" in location:
        _, _, page = browser.send("GET", location)
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        form = {"token": f"{code:06d}", "csrfmiddlewaretoken": browser.token(page)}
        status, location, _ = browser.send("POST", location, form)
    status, _, _ = browser.send("GET", "/")
    if status != 200 or "sessionid" not in browser.jar:
        sys.exit(f"{username} could not log in (last answer {status}).")
    return Session(
        username,
        f"sessionid={browser.jar['sessionid']}; csrftoken={browser.jar.get('csrftoken', '')}",
        browser.jar.get("csrftoken", ""),
    )


def log_in_all(port: int, usernames: list[str]) -> list[Session]:
    from egide.accounts.models import Authenticator

    devices = {
        d.user.username: d
        for d in Authenticator.objects.filter(
            user__username__in=usernames, confirmed=True
        ).select_related("user")
    }
    # A few at a time: Argon2 is slow on purpose, and the workers are few.
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda name: log_in(port, name, devices[name]), usernames))


# --- the load: wrk, one process per page ---------------------------------------------------------

# wrk's script: each request carries the next user's cookies (and, for the API, their CSRF
# token) and the next case; any answer but 200 is counted; done() prints one JSON line.
LUA = """
sessions = %(sessions)s
paths = %(paths)s
method = %(method)s
body = %(body)s
pause = %(pause)d
bad = 0
first_bad = 0
counter = 0

function init(args)
  counter = tonumber(args[1]) or 0
end

function request()
  counter = counter + 1
  local session = sessions[(counter %% #sessions) + 1]
  local headers = {Cookie = session[1]}
  if method == "POST" then
    headers["X-CSRFToken"] = session[2]
    headers["Content-Type"] = "application/json"
  end
  return wrk.format(method, paths[(counter %% #paths) + 1], headers, body)
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    if first_bad == 0 then first_bad = status end
  end
end

if pause > 0 then
  function delay()
    return pause
  end
end

threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local wrong, status = 0, 0
  for _, thread in ipairs(threads) do
    wrong = wrong + thread:get("bad")
    if status == 0 then status = thread:get("first_bad") end
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "wrong_status": %%d, "first_wrong": %%d, ' ..
    '"connect": %%d, "read": %%d, "write": %%d, "timeout": %%d, ' ..
    '"p50": %%d, "p95": %%d, "p99": %%d, "max": %%d}\\n',
    summary.requests, summary.duration, wrong, status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def lua_list(values: list[Any]) -> str:
    return "{" + ", ".join(lua_value(v) for v in values) + "}"


def lua_value(value: Any) -> str:
    if isinstance(value, list | tuple):
        return lua_list(list(value))
    return json.dumps(value)  # a JSON string literal is a Lua string literal here (ASCII)


@dataclass
class Load:
    page: str
    connections: int
    sessions: list[Session]
    pause_ms: int = 0


def wrk_script(load: Load, case_ids: list[int], directory: Path) -> Path:
    method, body, paths = "GET", "", ["/cases/"]
    if load.page == "detail":
        paths = [f"/cases/{pk}/" for pk in case_ids]
    elif load.page == "api":
        method, body, paths = "POST", json.dumps(SCREENING), ["/api/v1/screening/evaluate"]
    elif load.page == "dashboard":
        paths = ["/monitoring/"]
    script = directory / f"{load.page}.lua"
    script.write_text(
        LUA
        % {
            "sessions": lua_list([[s.cookie, s.csrf] for s in load.sessions]),
            "paths": lua_list(paths),
            "method": lua_value(method),
            "body": lua_value(body),
            "pause": load.pause_ms,
        },
        encoding="ascii",
    )
    return script


def run_wrk(
    url: str, loads: list[Load], case_ids: list[int], seconds: int
) -> tuple[dict[str, dict[str, Any]], float]:
    """Run one wrk per page at once for *seconds*; return each page's result and the CPU
    seconds wrk used."""
    start = children_cpu_seconds()
    with tempfile.TemporaryDirectory(prefix="egide-load-") as tmp:
        processes = {}
        for offset, load in enumerate(loads):
            script = wrk_script(load, case_ids, Path(tmp))
            cmd = ["wrk", "-t1", f"-c{load.connections}", f"-d{seconds}s", "--timeout", "10s"]
            cmd += ["-s", str(script), url, "--", str(offset * 7)]
            processes[load.page] = subprocess.Popen(  # noqa: S603
                cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
        results = {}
        for page, process in processes.items():
            output, _ = process.communicate(timeout=seconds + 60)
            line = next((x for x in output.splitlines() if x.startswith("RESULT ")), None)
            if line is None:
                sys.exit(f"wrk gave no result for {page}:\n{output}")
            results[page] = json.loads(line.removeprefix("RESULT "))
        return results, children_cpu_seconds() - start


def children_cpu_seconds() -> float:
    """CPU time of this process's children that have ended (the wrk processes)."""
    times = os.times()
    return times.children_user + times.children_system


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its children (gunicorn), those
    still running and those it has reaped (workers recycled after max_requests)."""
    root = psutil.Process(pid)
    times = root.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for process in root.children(recursive=True):
        try:
            total += sum(process.cpu_times()[:2])
        except psutil.Error:
            continue
    return total


def redis_cpu_seconds() -> float:
    """CPU time used so far by the local Redis servers (sessions and cache, with --redis)."""
    total = 0.0
    for process in psutil.process_iter(["name"]):
        if process.info["name"] == "redis-server":
            try:
                total += sum(process.cpu_times()[:2])
            except psutil.Error:
                continue
    return total


def postgres_cpu_seconds(database: str) -> dict[int, float]:
    """CPU time of each PostgreSQL backend connected to *database*, by process id. With
    persistent connections they live through the run; a server that opens a connection per
    request leaves little to sample (the time of the backends that ended is lost)."""
    found = {}
    for process in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if cmdline.startswith("postgres: ") and f" {database} " in cmdline:
            try:
                found[process.pid] = sum(process.cpu_times()[:2])
            except psutil.Error:
                continue
    return found


def postgres_cpu_used(start: dict[int, float], end: dict[int, float]) -> float | None:
    """CPU time the backends used between two samples; None when no backend lived through."""
    lasting = [pid for pid in end if pid in start]
    if not lasting:
        return None
    return sum(end[pid] - start.get(pid, 0.0) for pid in end)


def plan(page: str, workers: list[Session], coordinators: list[Session]) -> list[Load]:
    if page == "dashboard":
        return [Load("dashboard", len(workers), coordinators)]
    if page != "mix":
        return [Load(page, len(workers), workers)]
    weights = sum(MIX.values())
    loads, given = [], 0
    for i, (name, weight) in enumerate(MIX.items()):
        count = (
            len(workers) - given if i == len(MIX) - 1 else round(len(workers) * weight / weights)
        )
        loads.append(Load(name, count, workers))
        given += count
    loads.append(Load("dashboard", len(coordinators), coordinators, DASHBOARD_PAUSE_MS))
    return loads


def report(
    loads: list[Load],
    results: dict[str, dict[str, Any]],
    seconds: int,
    cpu: dict[str, float | None],
) -> int:
    print(
        f"\n{'page':<14} {'users':>5} {'requests':>9} {'req/s':>7} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} {'errors':>7}"
    )
    total_requests, total_errors = 0, 0
    for load in loads:
        result = results[load.page]
        errors = sum(result[k] for k in ("wrong_status", "connect", "read", "write", "timeout"))
        rate = result["requests"] / (result["duration_us"] / 1e6)
        total_requests += result["requests"]
        total_errors += errors
        pause = f" (one load every {load.pause_ms / 1000:g} s)" if load.pause_ms else ""
        print(
            f"{TITLES[load.page]:<14} {load.connections:>5} {result['requests']:>9} {rate:>7.1f} "
            f"{result['p50'] / 1000:>7.0f} {result['p95'] / 1000:>7.0f} "
            f"{result['p99'] / 1000:>7.0f} {result['max'] / 1000:>7.0f} {errors:>7}{pause}"
        )
        if errors:
            print(
                f"  errors: {result['wrong_status']} answers other than 200 (first: "
                f"{result['first_wrong']}), {result['connect']} connect, {result['read']} read, "
                f"{result['write']} write, {result['timeout']} timeouts (> 10 s)"
            )
    print(f"{'all':<14} {'':>5} {total_requests:>9} {total_requests / seconds:>7.1f}")
    if total_requests:
        # On a machine shared with the load generator (and other work), requests/s say more
        # about the machine than about the pages: CPU time per request does not.
        per = {k: f"{1000 * v / total_requests:.2f} ms" for k, v in cpu.items() if v is not None}
        print(
            f"CPU per request: server (gunicorn, all workers) {per['server']}, "
            f"PostgreSQL {per.get('postgres', 'n/a (no connection lasted through the run)')}, "
            f"load generator (wrk) {per['wrk']}"
            + (f", Redis {per['redis']}" if "redis" in per else "")
        )
    load1, load5, _ = os.getloadavg()
    print(f"load average {load1:.1f} (1 min), {load5:.1f} (5 min) on {os.cpu_count()} CPUs")
    return total_errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--page", choices=("mix", *PAGES), default="mix")
    parser.add_argument(
        "--unprepared",
        action="store_true",
        help="without PostgreSQL prepared statements (EGIDE_DB_PREPARED_STATEMENTS=false)",
    )
    parser.add_argument(
        "--threads", type=int, default=None, help="threads per worker (EGIDE_WEB_THREADS)"
    )
    parser.add_argument(
        "--redis",
        default="",
        metavar="URL",
        help="sessions and cache in this Redis (EGIDE_REDIS_URL), as production recommends",
    )
    parser.add_argument(
        "--warmup", type=int, default=3, help="seconds of load before the measure (not counted)"
    )
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a dedicated PostgreSQL database (see the docstring).")
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk (see benchmarks/README.md).")
    env = production_env(database_url)
    env["EGIDE_DB_PREPARED_STATEMENTS"] = "false" if args.unprepared else "true"
    env["EGIDE_REDIS_URL"] = args.redis
    env.pop("REDIS_URL", None)
    if args.threads:
        env["EGIDE_WEB_THREADS"] = str(args.threads)
    os.environ.update(env)
    workers, coordinators, case_ids = prepare(args.users)
    database = database_url.rsplit("/", 1)[-1].split("?", 1)[0]
    port = free_port()
    server = start_server(env, port, args.workers)
    try:
        print(f"Logging {len(workers) + len(coordinators)} users in (password and TOTP)...")
        sessions = log_in_all(port, workers + coordinators)
        loads = plan(args.page, sessions[: len(workers)], sessions[len(workers) :])
        url = f"http://127.0.0.1:{port}"
        if args.warmup:
            run_wrk(url, loads, case_ids, args.warmup)
        server_start, pg_start = tree_cpu_seconds(server.pid), postgres_cpu_seconds(database)
        redis_start = redis_cpu_seconds()
        results, wrk_cpu = run_wrk(url, loads, case_ids, args.seconds)
        cpu: dict[str, float | None] = {
            "server": tree_cpu_seconds(server.pid) - server_start,
            "postgres": postgres_cpu_used(pg_start, postgres_cpu_seconds(database)),
            "wrk": wrk_cpu,
        }
        if args.redis:
            cpu["redis"] = redis_cpu_seconds() - redis_start
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    errors = report(loads, results, args.seconds, cpu)
    print(
        f"\n{args.users} users, page {args.page}, {args.seconds} s, "
        f"gunicorn {args.workers} worker(s) × {env.get('EGIDE_WEB_THREADS', 'default')} "
        f"thread(s) (egide/gunicorn_conf.py)"
        f"{', without prepared statements' if args.unprepared else ''}"
        f"{', sessions and cache in Redis' if args.redis else ''}."
    )
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
