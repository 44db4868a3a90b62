"""Run MotCua's production stack on one machine: gunicorn, a Celery worker and beat.

    python deploy/run_stack.py            # setup steps, then the three processes
    python deploy/run_stack.py --web-only # a web node of a larger deployment

First the setup steps (``migrate``, ``collectstatic``, then ``MOTCUA_SETUP_COMMANDS``,
commands separated by ";"), then the processes. SIGTERM or SIGINT is passed to each of
them; when one of them exits, the others are stopped too, and this script exits with
that process's status, so a service manager (systemd, a container runtime) restarts
the whole stack. The configuration comes from the environment (docs/DEPLOY.md):
``DATABASE_URL``, ``REDIS_URL``, ``CELERY_BROKER_URL``, ``GUNICORN_*``, ``MOTCUA_*``.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
ROOT = DEPLOY.parent
PYTHON = sys.executable
GRACE_S = float(os.environ.get("MOTCUA_STACK_GRACE_S", "40"))


def say(message: str) -> None:
    print(f"[run_stack] {message}", file=sys.stderr, flush=True)


def var_dir() -> Path:
    return Path(os.environ.get("MOTCUA_VAR_DIR", ROOT / "var")).resolve()


def setup_steps() -> list[list[str]]:
    steps = [["migrate", "--noinput"], ["collectstatic", "--noinput", "--verbosity", "0"]]
    for command in os.environ.get("MOTCUA_SETUP_COMMANDS", "").split(";"):
        if command.strip():
            steps.append(shlex.split(command))
    return steps


def create_database() -> None:
    """Create DATABASE_URL's PostgreSQL database when it does not exist yet."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    settings = dj_database_url.config()
    if "postgresql" not in settings.get("ENGINE", ""):
        return
    params = {
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as connection:
        name = settings["NAME"]
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if found.fetchone() is None:
            say(f"creating database {name}")
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def run_setup() -> None:
    for step in setup_steps():
        say("motcua " + " ".join(step))
        subprocess.run([PYTHON, "-m", "motcua", *step], check=True, cwd=ROOT)


def process_commands(web: bool, worker: bool, beat: bool) -> dict[str, list[str]]:
    app = "motcua.celery:app"
    commands = {}
    if web:
        commands["web"] = [PYTHON, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")]
    if worker:
        commands["worker"] = [PYTHON, "-m", "celery", "-A", app, "worker", "--loglevel", "INFO"]
    if beat:
        schedule = var_dir() / "celerybeat-schedule"
        commands["beat"] = [
            *(PYTHON, "-m", "celery", "-A", app, "beat", "--loglevel", "INFO"),
            *("--schedule", str(schedule)),
        ]
    return commands


def prepare_metrics_dir() -> None:
    """One folder where every process writes its Prometheus figures, emptied at start."""
    folder = Path(os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(var_dir() / "prometheus")))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)


class Stack:
    def __init__(self, commands: dict[str, list[str]]):
        self.commands = commands
        self.processes: dict[str, subprocess.Popen] = {}
        self.stopping = False

    def start(self) -> None:
        for name, command in self.commands.items():
            say(f"starting {name}: {' '.join(command)}")
            # Own session: a Ctrl+C in the terminal reaches this script only, which
            # then stops each process once, in order.
            self.processes[name] = subprocess.Popen(command, cwd=ROOT, start_new_session=True)

    def stop(self, *_args) -> None:
        if self.stopping:
            return
        self.stopping = True
        for name, process in self.processes.items():
            if process.poll() is None:
                say(f"stopping {name} (pid {process.pid})")
                process.send_signal(signal.SIGTERM)

    def wait(self) -> int:
        """Wait until one process exits (or a signal asks to stop); stop the rest."""
        status = 0
        while not self.stopping:
            for name, process in self.processes.items():
                code = process.poll()
                if code is not None:
                    say(f"{name} exited with status {code}; stopping the others")
                    status = code or 1
                    self.stop()
                    break
            else:
                time.sleep(0.5)
        deadline = time.monotonic() + GRACE_S
        for name, process in self.processes.items():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"{name} did not stop within {GRACE_S:.0f} s: killing it")
                process.kill()
                process.wait()
        say("stopped")
        return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-setup", action="store_true", help="no migrate/collectstatic")
    parser.add_argument("--web-only", action="store_true", help="gunicorn only")
    parser.add_argument("--no-beat", action="store_true", help="no scheduler on this node")
    parser.add_argument(
        "--create-database", action="store_true", help="create DATABASE_URL's database if missing"
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    jobs = not args.web_only
    if jobs and not os.environ.get("CELERY_BROKER_URL"):
        say("CELERY_BROKER_URL is not set: the worker and beat need a broker (or use --web-only)")
        return 2
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        say("warning: DATABASE_URL is not PostgreSQL; production runs on PostgreSQL")
    prepare_metrics_dir()
    if args.create_database:
        create_database()
    if not args.skip_setup:
        run_setup()
    stack = Stack(process_commands(web=True, worker=jobs, beat=jobs and not args.no_beat))
    signal.signal(signal.SIGTERM, stack.stop)
    signal.signal(signal.SIGINT, stack.stop)
    stack.start()
    return stack.wait()


if __name__ == "__main__":
    sys.exit(main())
