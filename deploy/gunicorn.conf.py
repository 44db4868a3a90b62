"""gunicorn settings for MotCua, every one from the environment (see docs/DEPLOY.md).

    gunicorn -c deploy/gunicorn.conf.py motcua.wsgi:application

- ``GUNICORN_BIND`` ("127.0.0.1:8000"; "0.0.0.0:8000" behind a load balancer, or
  "unix:/run/motcua/web.sock" behind nginx on the same machine).
- ``GUNICORN_WORKERS`` (cores + 1) gthread workers of ``GUNICORN_THREADS`` (4) threads:
  3 × 4 on 2 cores. Measured with ``bench/bench_http.py --models`` (docs/DEPLOY.md,
  "Worker model"): since the public look-up and the procedure page are answered by the
  WSGI hot path (``motcua.portal.hotpath``) in a fraction of a millisecond, the cost of
  a request is mostly gunicorn's own, and a keep-alive connection served by a thread
  costs about half of what sync workers spend on a new connection per request
  (look-up 0.57–0.66 ms of CPU per request against 0.60–1.39 ms with sync × 5, /healthz
  0.36–0.43 against 0.36–0.89; 1,900–2,800 look-ups/s against 550–1,000/s in the same
  runs). Behind nginx, give the upstream keep-alive connections (docs/DEPLOY.md, "TLS
  and the proxy").
- ``GUNICORN_THREADS`` (4): 1 selects sync workers (``GUNICORN_WORKER_CLASS`` overrides
  either way), then 2 × cores + 1 of them by default, for a proxy without upstream
  keep-alive and long requests that must not share a process.
  Workers × threads is the number of PostgreSQL connections a node keeps open
  (``MOTCUA_DB_CONN_MAX_AGE``): keep the sum over nodes under ``max_connections``.
- ``GUNICORN_TIMEOUT`` (30 s): a worker silent for longer is restarted;
  ``GUNICORN_GRACEFUL_TIMEOUT`` (30 s) on shutdown and reload.
- ``GUNICORN_KEEPALIVE`` (5 s), ``GUNICORN_MAX_REQUESTS`` (2000, with 10 % jitter: a
  worker is recycled after that many requests, a bound on slow leaks; 0 never).
- ``GUNICORN_PRELOAD`` (on): load Django once in the master, then fork (less memory,
  faster start; a code reload then needs a restart, not a HUP).
- ``GUNICORN_ACCESS_LOG`` ("-": standard output; "" turns it off), ``GUNICORN_LOG_LEVEL``.
- ``GUNICORN_FORWARDED_ALLOW_IPS`` ("127.0.0.1,::1"): proxies whose X-Forwarded-Proto
  is trusted (the load balancers' addresses when they are on other machines).
- ``GUNICORN_GC_THRESHOLD`` ("50000,20,100"; "" keeps Python's 700,10,10): the cyclic
  garbage collector's thresholds in the workers. What loading Django made is frozen
  (``gc.freeze``, before the fork with preload): the collector never walks it again, and
  the workers' shared pages stay shared. Measured on API filings (16 clients, 25 s,
  gc callbacks in each worker): 1,721 collections taking 0.81 ms of CPU per filing with
  Python's thresholds, 20 collections taking 0.64 ms with these (docs/DEPLOY.md §5).
- ``MOTCUA_LOG_FORMAT=json``: gunicorn's own and access lines are JSON too, with the
  request id, status, path and duration as fields.
"""

import gc
import multiprocessing
import os


def _bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


wsgi_app = "motcua.wsgi:application"
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS") or ("gthread" if threads > 1 else "sync")
workers = int(os.environ.get("GUNICORN_WORKERS", "0")) or (
    multiprocessing.cpu_count() + 1
    if worker_class == "gthread"
    else 2 * multiprocessing.cpu_count() + 1
)
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
preload_app = _bool("GUNICORN_PRELOAD", True)
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# gunicornc's control socket stays off unless a path is given.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
proc_name = "motcua-web"

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The request id is the response's X-Request-ID (set by RequestIdMiddleware).
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s" request_id=%({x-request-id}o)s'

if os.environ.get("MOTCUA_LOG_FORMAT", "plain").strip().lower() == "json":
    _json = {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        "json_ensure_ascii": False,
    }
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "root": {"level": "INFO", "handlers": []},
        "filters": {"access": {"()": "motcua.ops.logs.GunicornAccessFilter"}},
        "formatters": {"json": _json},
        "handlers": {
            "error": {"class": "logging.StreamHandler", "formatter": "json"},
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["access"],
                "stream": "ext://sys.stdout",
            },
        },
        "loggers": {
            "gunicorn.error": {
                "level": loglevel.upper(),
                "handlers": ["error"],
                "propagate": False,
            },
            "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
        },
    }


def _gc_threshold() -> tuple[int, ...] | None:
    text = os.environ.get("GUNICORN_GC_THRESHOLD", "50000,20,100").strip()
    return tuple(int(part) for part in text.split(",")) if text else None


def when_ready(server):
    # The master has loaded the application (preload): freeze it before the fork, as
    # the gc module's documentation advises, so that no worker's collection touches
    # (and copies) the shared pages.
    if preload_app:
        gc.collect()
        gc.freeze()


def post_worker_init(worker):
    if not preload_app:
        gc.collect()
        gc.freeze()
    threshold = _gc_threshold()
    if threshold:
        gc.set_threshold(*threshold)


def child_exit(server, worker):
    # Prometheus multi-process mode: drop the live gauges of a dead worker.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
