"""A worker killed between the commit and the delivery: the event still arrives, once.

Everything runs as separate processes on a database made for the test: a shell
creates the dossier (through the real services), ``deliver_events --watch`` sends it to
a receiver that holds the request, the worker is killed with SIGKILL while it waits,
and a new worker sends the event again once the first one's lease has ended.
"""

import signal
import time

from motcua.events.tests.conftest import SECRET
from motcua.events.tests.instances import base_env, motcua, query, start, stop

MAKE_DOSSIER = """
from django.core.management import call_command
from motcua.agencies.models import Agency
from motcua.dossiers import services
from tests.factories import AgencyFactory, ApplicantFactory, procedure_version

call_command("sync_subscribers")
agency = AgencyFactory(code="HNI.STP", name="Sở Tư pháp", kind=Agency.Kind.DEPARTMENT)
dossier = services.record_counter_dossier(
    applicant=ApplicantFactory(), version=procedure_version("1.001"), agency=agency, by=None
)
print(dossier.code)
"""


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_killed_worker_leaves_the_event_to_be_delivered_once_by_the_next(
    instance_databases, tmp_path, receiver
):
    database = instance_databases.new("tinh")
    env = base_env(
        tmp_path / "var",
        database,
        MOTCUA_INSTANCE_CODE="HNI",
        MOTCUA_EVENTS_SUBSCRIBERS=f"quoc-gia|{receiver.url}|{SECRET}|measurement",
        MOTCUA_EVENTS_TIMEOUT_S="2",
        MOTCUA_EVENTS_LEASE_S="4",
        MOTCUA_EVENTS_BACKOFF_S="0.2",
    )
    code = motcua("shell", "-c", MAKE_DOSSIER, env=env).stdout.strip().splitlines()[-1]

    receiver.hold_next = True
    worker = start("deliver_events", "--watch", "--interval", "0.2", env=env)
    try:
        assert receiver.arrived.wait(60), "the worker sent the event"
        worker.send_signal(signal.SIGKILL)  # dies while the receiver holds its request
        worker.wait(10)
    finally:
        stop(worker)
    receiver.release.set()
    assert len(receiver.requests) == 1
    assert len(receiver.applied) == 1  # the receiver applied it, the sender never knew

    assert query(database, "SELECT status, attempts FROM events_delivery") == [("pending", 1)], (
        "the killed worker recorded nothing"
    )

    worker = start("deliver_events", "--watch", "--interval", "0.2", env=env)
    try:
        assert wait_for(lambda: len(receiver.requests) >= 2, 30), "the event was sent again"
        assert wait_for(lambda: delivery_status(database) == "delivered", 10)
    finally:
        stop(worker)

    first, second = receiver.requests
    assert first["headers"]["X-MotCua-Event-Id"] == second["headers"]["X-MotCua-Event-Id"]
    assert first["body"] == second["body"]
    assert receiver.rejected == []
    (event,) = receiver.applied.values()  # applied exactly once
    assert event["dossier"]["code"] == code
    assert query(database, "SELECT attempts FROM events_delivery") == [(2,)]


def delivery_status(database) -> str:
    return query(database, "SELECT status FROM events_delivery")[0][0]
