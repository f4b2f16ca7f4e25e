"""Page budget on a cheap phone over 3G: KB, requests and first render of the main pages, cold.

Starts the development server on a throw-away database filled with the demo data, logs in as
each demo person through the real pages, then loads each main page in a fresh browser context
(cold cache: nothing cached, only the session cookie) with Chrome's network throttled to 3G
(300 ms latency, 750 kbit/s down, 250 kbit/s up) and the CPU 4x slower. Prints, per page, the
bytes transferred, the number of requests and first-contentful-paint (median of the runs), and
the same first render with a warm cache (the page loaded again in the same context).

    .venv/bin/python benchmarks/page_budget.py            # 3 runs per page
    .venv/bin/python benchmarks/page_budget.py --runs 1

Goal (issue 9): every page < 150 KB and first render < 1 s cold. Uses Debian's chromium.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
LATENCY_MS = 300
DOWN_KBIT = 750
UP_KBIT = 250
CPU_SLOWDOWN = 4
PASSWORD: list[str] = []  # the demo password, read from the demo module
BUDGET_KB = 150
BUDGET_FCP_MS = 1000


@dataclass
class Measure:
    name: str
    kb: list[float] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)
    fcp: list[float] = field(default_factory=list)
    warm_fcp: list[float] = field(default_factory=list)
    ttfb: list[float] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(env: dict[str, str]) -> None:
    """Migrate a fresh database and load the demo (accounts, cases, training, outreach)."""
    egide = str(ROOT / ".venv" / "bin" / "egide")
    for args in (["i18n_compile"], ["migrate", "--verbosity", "0"], ["demo"]):
        subprocess.run([egide, *args], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def ids(env: dict[str, str]) -> dict[str, Any]:
    """Primary keys of a demo case and a demo training session, read through Django."""
    code = r"""
import json, django
django.setup()
from egide.cases.models import Case
from egide.training.models import TrainingSession
from egide.core.demo import DEMO_PASSWORD
case = Case.objects.filter(owner__username="travailleur").order_by("pk").first()
session = TrainingSession.objects.filter(trainers__username="formateur").order_by("pk").first()
print(json.dumps({"case": case.pk if case else None,
                  "session": session.pk if session else None,
                  "password": DEMO_PASSWORD}))
"""
    python = str(ROOT / ".venv" / "bin" / "python")
    out = subprocess.run(  # noqa: S603
        [python, "-c", code], env=env, check=True, capture_output=True, text=True
    ).stdout
    import json

    return dict(json.loads(out.strip().splitlines()[-1]))


def totp_now(username: str, env: dict[str, str]) -> str:
    """The current code of a demo account (`egide totp`, development settings only)."""
    egide = str(ROOT / ".venv" / "bin" / "egide")
    out = subprocess.run(  # noqa: S603
        [egide, "totp", username], env=env, check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


def throttle(context: Any, page: Any) -> Any:
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": LATENCY_MS,
            "downloadThroughput": DOWN_KBIT * 1000 / 8,
            "uploadThroughput": UP_KBIT * 1000 / 8,
        },
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return cdp


FCP_JS = """() => new Promise(resolve => {
  const found = () => performance.getEntriesByName('first-contentful-paint')[0];
  if (found()) return resolve(found().startTime);
  new PerformanceObserver(list => {
    const e = list.getEntriesByName('first-contentful-paint')[0];
    if (e) resolve(e.startTime);
  }).observe({type: 'paint', buffered: true});
  setTimeout(() => resolve(-1), 10000);
})"""


def measure_once(browser: Any, base: str, url: str, state: Any, action: Any = None) -> tuple:
    """(KB, requests, cold FCP ms, warm FCP ms, cold time to first byte ms) of one page in a
    fresh throttled context."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="fr-FR", storage_state=state
    )
    page = context.new_page()
    cdp = throttle(context, page)
    sizes: dict[str, float] = {}
    count = [0]

    def sent(_event: dict[str, Any]) -> None:
        count[0] += 1

    def finished(event: dict[str, Any]) -> None:
        sizes[event["requestId"]] = float(event.get("encodedDataLength", 0))

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.loadingFinished", finished)
    if action is None:
        page.goto(base + url, wait_until="load")
    else:
        action(page, base)
    fcp = float(page.evaluate(FCP_JS))
    ttfb = float(page.evaluate("performance.getEntriesByType('navigation')[0].responseStart"))
    page.wait_for_timeout(200)
    kb = sum(sizes.values()) / 1024
    requests = count[0]
    page.goto(page.url, wait_until="load")
    warm = float(page.evaluate(FCP_JS))
    context.close()
    return kb, requests, fcp, warm, ttfb


def login_state(browser: Any, base: str, username: str, env: dict[str, str]) -> Any:
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD[0])
    page.click("button[type=submit].primary")
    if "/login/code/" in page.url:
        page.fill("input[name=token]", totp_now(username, env))
        page.click("button[type=submit].primary")
    state = context.storage_state()
    context.close()
    return state


def login_action(username: str) -> Any:
    """The login page filled and submitted under throttling: first render of the home page."""

    def act(page: Any, base: str) -> None:
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD[0])
        with page.expect_navigation(wait_until="load"):
            page.click("button[type=submit].primary")

    return act


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT / "src"))
    workdir = Path(tempfile.mkdtemp(prefix="egide-budget-"))
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "egide.settings.dev",
            "EGIDE_BASE_DIR": str(workdir),
            "DATABASE_URL": f"sqlite:///{workdir / 'budget.sqlite3'}",
            # As in production: no debug pages, static files served by WhiteNoise.
            "DEBUG": "false",
            "LOG_LEVEL": "ERROR",
        }
    )
    os.environ.update(env)
    prepare(env)
    known = ids(env)
    PASSWORD.append(known["password"])
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv/bin/egide"), "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        from playwright.sync_api import sync_playwright

        pages: list[tuple[str, str, str | None, Any]] = [
            ("login", "/accounts/login/", None, None),
            ("login → home (ambassador)", "", None, login_action("ambassadeur")),
        ]
        for username in (
            "travailleur",
            "superviseur",
            "prestataire",
            "oprogem",
            "formateur",
            "ambassadeur",
            "coordination",
            "analyste",
            "admin",
        ):
            pages.append((f"home ({username})", "/", username, None))
        pages += [
            ("case list", "/cases/", "travailleur", None),
            ("case detail", f"/cases/{known['case']}/", "travailleur", None),
            ("screening interview", "/screening/interview/", "travailleur", None),
            ("alert list", "/cases/alerts/", "superviseur", None),
            ("referral inbox", "/referrals/", "prestataire", None),
            ("training session", f"/training/sessions/{known['session']}/", "formateur", None),
            ("dialogue form", "/outreach/dialogues/new/", "ambassadeur", None),
            ("reach", "/outreach/reach/", "coordination", None),
        ]
        results: list[Measure] = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
            )
            states: dict[str, Any] = {}
            for name, url, username, action in pages:
                m = Measure(name)
                for _ in range(args.runs):
                    state = None
                    if username:
                        if username not in states:
                            states[username] = login_state(browser, base, username, env)
                        state = states[username]
                    kb, n, fcp, warm, ttfb = measure_once(browser, base, url, state, action)
                    m.ttfb.append(ttfb)
                    m.kb.append(kb)
                    m.requests.append(n)
                    m.fcp.append(fcp)
                    m.warm_fcp.append(warm)
                results.append(m)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)

    print(
        f"3G {LATENCY_MS} ms {DOWN_KBIT}/{UP_KBIT} kbit/s, CPU {CPU_SLOWDOWN}x slower, "
        f"360x740, median of {args.runs} run(s); load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} CPUs"
    )
    print(
        f"{'page':<30} {'KB':>7} {'req':>4} {'TTFB ms':>8} {'FCP cold ms':>12} "
        f"{'FCP warm ms':>12}  budget"
    )
    over = 0
    for m in results:
        kb = statistics.median(m.kb)
        fcp = statistics.median(m.fcp)
        ok = kb < BUDGET_KB and 0 <= fcp < BUDGET_FCP_MS
        over += not ok
        print(
            f"{m.name:<30} {kb:>7.1f} {statistics.median(m.requests):>4.0f} "
            f"{statistics.median(m.ttfb):>8.0f} {fcp:>12.0f} "
            f"{statistics.median(m.warm_fcp):>12.0f}  {'ok' if ok else 'OVER'}"
        )
    print(
        f"{len(results) - over} of {len(results)} pages "
        f"within {BUDGET_KB} KB and {BUDGET_FCP_MS} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
