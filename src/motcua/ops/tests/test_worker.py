"""A real Celery worker (a subprocess) runs a task sent through Redis or RabbitMQ.

Eager mode hides serialization and configuration mistakes; this test does not: the
task travels as a JSON message through the broker to a worker started the way
deploy/run_stack.py starts it, and its answer comes back through the shared cache.
"""

import subprocess
import sys
import uuid

import pytest
from celery import Celery
from django.core.cache.backends.redis import RedisCache

from motcua.ops.context import bound_request_id
from motcua.ops.tasks import PING_KEY

from .conftest import REPO, drop_keys, subprocess_env, wait_until


def _forget_queue(broker: str, queue: str) -> None:
    from kombu import Connection

    with Connection(broker, connect_timeout=2) as connection:
        try:
            connection.default_channel.queue_delete(queue)
        except Exception:  # noqa: BLE001 — best-effort cleanup of a test queue
            pass


@pytest.mark.parametrize("transport", ["redis", "amqp"])
def test_a_worker_runs_a_task_sent_through_the_broker(transport, request, redis_url, tmp_path):
    broker = redis_url if transport == "redis" else request.getfixturevalue("amqp_url")
    prefix, queue, token = (f"motcua-test-{uuid.uuid4().hex[:8]}" for _ in range(3))
    env = subprocess_env(
        tmp_path,
        CELERY_BROKER_URL=broker,
        REDIS_URL=redis_url,
        MOTCUA_CACHE_KEY_PREFIX=prefix,
    )
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "motcua.celery:app", "worker"),
            *("--pool", "solo", "--queues", queue, "--hostname", f"{queue}@%h"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
            *("--loglevel", "INFO"),
        ],
        env=env,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    sender = Celery("motcua-test", broker=broker)
    shared = RedisCache(redis_url, {"KEY_PREFIX": prefix})
    try:
        with bound_request_id("req-from-web-1"):
            sender.send_task("ops.ping", args=[token], queue=queue)
        key = PING_KEY.format(token=token)
        wait_until(lambda: shared.get(key) is not None, 60, "the worker's answer", worker)
        answer = shared.get(key)
        assert answer["request_id"] == "req-from-web-1"  # the id travelled in the headers
        assert answer["worker"].endswith(f":{worker.pid}")  # solo pool: the worker itself
    finally:
        # The task is done: no graceful shutdown (the worker would first wait out its
        # broker poll, up to 10 s on RabbitMQ).
        worker.kill()
        worker.wait()
        log.close()
        drop_keys(redis_url, f"{prefix}*")
        _forget_queue(broker, queue)
        drop_keys(redis_url, f"_kombu.binding*{queue}")  # kombu's bookkeeping of the queue
    assert "Task ops.ping[" in (tmp_path / "worker.log").read_text()
