"""Load benchmark: N concurrent logged-in users against the production server (gunicorn).

The script prepares a dedicated PostgreSQL database (migrations, demo data, N fictitious
benchmark case workers with their own authenticator), starts `gunicorn` with production settings
on a free localhost port, runs locust headless for a bounded time, prints requests/s, p50/p95/p99
and errors per page, then stops the server.

    createdb -h 127.0.0.1 -U postgres egide_bench_load
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egide_bench_load \\
      .venv/bin/python benchmarks/load.py --users 50 --seconds 60 --workers 2

Target (issue 10): 0 errors, case list and case detail >= 100 req/s each, p95 < 500 ms on 2 cores.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import gevent
from cryptography.fernet import Fernet
from locust import HttpUser, between, task  # imported first: it monkey-patches with gevent
from locust.env import Environment

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "bench-"
PASSWORD = "Bench-load-2026-fictitious"  # noqa: S105 - throw-away accounts of a benchmark database


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


def prepare(users: int) -> tuple[list[str], list[int]]:
    """Migrate, load the demo, create *users* benchmark case workers; return usernames, case ids."""
    import django

    django.setup()
    from django.core.management import call_command

    from egide.accounts.models import Authenticator, RoleAssignment, User
    from egide.cases.models import Case, CaseMember

    call_command("migrate", interactive=False, verbosity=0)
    call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    model = User.objects.get(username="travailleur")
    names = []
    for i in range(users):
        username = f"{PREFIX}{i:03d}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                password=PASSWORD,
                first_name="Bench",
                last_name=f"Fictif {i:03d}",
                email=f"{username}@bench.egide.invalid",
                organisation_id=model.organisation_id,
            )
            for assignment in RoleAssignment.objects.filter(user=model):
                clone = RoleAssignment.objects.create(user=user, role=assignment.role)
                clone.regions.set(assignment.regions.all())
            Authenticator.objects.create(user=user, name="bench", confirmed=True)
        names.append(username)
    case_ids = list(Case.objects.filter(owner=model).values_list("pk", flat=True)[:20])
    if not case_ids:
        sys.exit("No demo case owned by 'travailleur': the demo data did not load.")
    # Each benchmark user is on the team of the demo cases, so that lists and details are full.
    for user in User.objects.filter(username__in=names):
        for case_id in case_ids:
            CaseMember.objects.get_or_create(case_id=case_id, user=user)
    return names, case_ids


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
    try:  # the repository's configuration, once it exists (the run "before" had none)
        import egide.gunicorn_conf  # noqa: F401

        cmd += ["-c", "python:egide.gunicorn_conf", "--access-logfile", "/dev/null"]
    except ImportError:
        pass
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


def authenticators(usernames: list[str]) -> dict[str, Any]:
    """Each user's TOTP device, read before the load starts (greenlets share no DB connection)."""
    from egide.accounts.models import Authenticator

    return {
        d.user.username: d
        for d in Authenticator.objects.filter(
            user__username__in=usernames, confirmed=True
        ).select_related("user")
    }


def current_code(device: Any) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def server_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by the server and its workers."""
    import psutil  # comes with locust

    root = psutil.Process(pid)
    total = 0.0
    for process in [root, *root.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def run(host: str, usernames: list[str], case_ids: list[int], seconds: int, server_pid: int) -> int:
    pool = list(usernames)
    devices = authenticators(usernames)
    logged_in: list[str] = []
    csrf_re = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    screening = {"person": {"age": 16, "sex": "female"}, "indicators": ["act.recruited"]}

    class CaseWorker(HttpUser):
        wait_time = between(0.0, 0.05)

        def send(self, method: str, url: str, name: str, **kwargs: Any) -> Any:
            """One request carrying the cookies by hand: production cookies are Secure and
            the HTTP client would not send them over the benchmark's plain HTTP."""
            headers = kwargs.pop("headers", {})
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
            response = self.client.request(
                method, url, name=name, headers=headers, allow_redirects=False, **kwargs
            )
            self.jar.update(response.cookies.get_dict())
            return response

        def on_start(self) -> None:
            self.jar: dict[str, str] = {}
            self.client.cookies.clear()
            username = pool.pop()
            page = self.send("GET", "/accounts/login/", "login")
            token = csrf_re.search(page.text)
            answer = self.send(
                "POST",
                "/accounts/login/",
                "login",
                data={
                    "username": username,
                    "password": PASSWORD,
                    "csrfmiddlewaretoken": token.group(1) if token else "",
                },
            )
            location = answer.headers.get("Location", "")
            if "/code/" in location:
                page = self.send("GET", location, "login code")
                token = csrf_re.search(page.text)
                self.send(
                    "POST",
                    location,
                    "login code",
                    data={
                        "token": current_code(devices[username]),
                        "csrfmiddlewaretoken": token.group(1) if token else "",
                    },
                )
            self.csrf = self.jar.get("csrftoken", "")
            logged_in.append(username)

        @task(3)
        def case_list(self) -> None:
            self.send("GET", "/cases/", "case list")

        @task(3)
        def case_detail(self) -> None:
            pk = case_ids[int(time.monotonic() * 1000) % len(case_ids)]
            self.send("GET", f"/cases/{pk}/", "case detail")

        @task(2)
        def screening_api(self) -> None:
            self.send(
                "POST",
                "/api/v1/screening/evaluate",
                "screening API",
                json=screening,
                headers={"X-CSRFToken": self.csrf},
            )

    environment = Environment(user_classes=[CaseWorker], host=host)
    runner = environment.create_local_runner()
    runner.start(len(usernames), spawn_rate=len(usernames))
    for _ in range(600):  # every user logs in first (Argon2 is slow on purpose)
        if len(logged_in) == len(usernames):
            break
        gevent.sleep(0.2)
    environment.stats.reset_all()
    cpu_start = server_cpu_seconds(server_pid)
    gevent.sleep(seconds)
    cpu_used = server_cpu_seconds(server_pid) - cpu_start
    runner.quit()
    stats = environment.stats
    print(f"\n{'page':<16} {'requests':>9} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    print(f"{'':<16} {'':>9} {'':>7} {'':>7} {'':>7} {'':>7} errors")
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        if entry.name.startswith("login"):
            continue
        print(
            f"{entry.name:<16} {entry.num_requests:>9} {entry.num_requests / seconds:>7.1f} "
            f"{entry.get_response_time_percentile(0.5):>7.0f} "
            f"{entry.get_response_time_percentile(0.95):>7.0f} "
            f"{entry.get_response_time_percentile(0.99):>7.0f} {entry.num_failures:>6}"
        )
    total = stats.total
    print(
        f"{'all':<16} {total.num_requests:>9} {total.num_requests / seconds:>7.1f} "
        f"{total.get_response_time_percentile(0.5):>7.0f} "
        f"{total.get_response_time_percentile(0.95):>7.0f} "
        f"{total.get_response_time_percentile(0.99):>7.0f} {total.num_failures:>6}"
    )
    for error in stats.errors.values():
        print(f"error: {error.method} {error.name}: {error.error} ×{error.occurrences}")
    # On a machine shared with the load generator (and other work), requests/s say more about
    # the machine than about the pages: the server's CPU time per request does not.
    if total.num_requests:
        per_request = 1000 * cpu_used / total.num_requests
        print(
            f"server CPU: {per_request:.1f} ms per request (gunicorn, all workers); "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )
    return int(total.num_failures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a dedicated PostgreSQL database (see the docstring).")
    env = production_env(database_url)
    os.environ.update(env)
    usernames, case_ids = prepare(args.users)
    port = free_port()
    server = start_server(env, port, args.workers)
    try:
        failures = run(f"http://127.0.0.1:{port}", usernames, case_ids, args.seconds, server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(f"\n{args.users} users, {args.seconds} s, gunicorn {args.workers} worker(s).")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
