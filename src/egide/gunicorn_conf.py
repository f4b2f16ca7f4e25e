"""gunicorn configuration of `egide serve` (`gunicorn -c python:egide.gunicorn_conf`).

Every value may be overridden on the command line or with GUNICORN_CMD_ARGS."""

from __future__ import annotations

import multiprocessing
import os

wsgi_app = "egide.wsgi:application"
bind = os.environ.get("EGIDE_BIND", "127.0.0.1:8000")
# Threaded workers, one process per core, two threads each: while one request waits for
# PostgreSQL the other runs, and browsers (and the reverse proxy) keep their connections alive
# between pages (a sync worker closes the connection after every answer). Pages are short
# database reads and long work goes to `egide worker`, so more threads only add contention for
# Python's lock (benchmarks/load.py, 2 cores, case file: 1 thread 121/s, 2 threads 112/s, 4
# threads 107/s; one thread would leave a worker stuck behind any slow page).
# Each thread keeps its own database connection (CONN_MAX_AGE): at most workers × threads
# connections per machine.
workers = int(os.environ.get("EGIDE_WEB_WORKERS", multiprocessing.cpu_count()))
# gunicorn's threaded worker (gthread), leaving new connections to a worker with a free thread:
# see egide/gunicorn_worker.py.
worker_class = "egide.gunicorn_worker.FairThreadWorker"
threads = int(os.environ.get("EGIDE_WEB_THREADS", 2))
timeout = int(os.environ.get("EGIDE_WEB_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (bounded memory), not all at once: a restart costs a second of
# CPU (a few minutes apart at 100 requests/s).
max_requests = 20000
max_requests_jitter = 2000
# Behind the reverse proxy only: it sets X-Forwarded-Proto (see EGIDE_BEHIND_TLS_PROXY).
forwarded_allow_ips = os.environ.get("EGIDE_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "warning").lower()
# The access log carries no query string (search terms may be names).
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
