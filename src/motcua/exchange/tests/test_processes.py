"""A provincial MotCua as a separate process with its own database, on loopback: the
national side (this test process) hands it messages, the province is stopped, more
changes happen, it is restarted — everything arrives exactly once, in order."""

import json
from pathlib import Path

import pytest
from django.utils import timezone

from motcua.events.tests import instances
from motcua.exchange import outbox
from motcua.exchange.models import Link, OutMessage, Peer
from motcua.exchange.outbox import deliver, enqueue

from .conftest import SECRET

pytestmark = pytest.mark.django_db
SERVE_PEER = Path(__file__).with_name("serve_peer.py")


@pytest.fixture
def province(instance_databases, tmp_path, monkeypatch):
    monkeypatch.setattr(instances, "SERVE", SERVE_PEER)
    env = instances.base_env(
        tmp_path / "hni",
        instance_databases.new("hni"),
        MOTCUA_INSTANCE_CODE="HNI",
        MOTCUA_EXCHANGE_ROLE="province",
        MOTCUA_EXCHANGE_PEERS=f"NAT|national|http://127.0.0.1:9|{SECRET}",
        PYTHONPATH=f"{instances.REPO / 'src'}:{instances.REPO}",
    )
    # The shared template may have been migrated by another checkout's code: bring this
    # database to this tree's migrations (a no-op when it is already there).
    instances.motcua("migrate", "--noinput", env=env, timeout=600)
    instances.motcua("sync_peers", env=env)
    servers = [instances.Server(env).wait_ready()]
    yield env, servers
    servers[-1].stop()


def applied(env) -> list[dict]:
    log = Path(env["MOTCUA_VAR_DIR"]) / "applied.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_a_province_down_then_up_gets_every_message_once_in_order(
    province, exchange_settings, make_dossier
):
    env, servers = province
    exchange_settings.MOTCUA_EXCHANGE_TIMEOUT_S = 30  # a cold process loads its URLconf first
    exchange_settings.MOTCUA_EXCHANGE_LEASE_S = 120
    peer = Peer.objects.create(
        code="HNI", name="Hà Nội", kind="province", base_url=servers[0].url, secret=SECRET
    )
    links = [Link.objects.create(dossier=make_dossier(), peer=peer, side="front") for _ in "ab"]
    for link in links:
        enqueue(peer, "dossier.filed", {}, link=link)
        enqueue(peer, "dossier.paid", {}, link=link)
    assert deliver().delivered == 4
    for link in links:
        link.refresh_from_db()
        assert link.remote_id is not None and link.handed_over_at is not None

    port = servers[0].port
    servers[0].stop()  # the province goes down
    for link in links:
        enqueue(peer, "dossier.supplement_provided", {}, link=link)
        enqueue(peer, "dossier.rated", {}, link=link)
    outcome = deliver()
    assert (outcome.delivered, outcome.failed) == (0, 2)  # each dossier's next one waits

    servers.append(instances.Server(env, port=port).wait_ready())  # back up
    OutMessage.objects.update(next_attempt_at=timezone.now())
    assert deliver().delivered == 4
    # a replay of a delivered message is answered "duplicate" and not applied again
    assert outbox.replay(OutMessage.objects.filter(seq=1)) == 2
    assert deliver().delivered == 2

    records = applied(env)
    assert len(records) == 8 == len({record["id"] for record in records})
    for link in links:
        mine = [r for r in records if r["sender"] == str(link.dossier.public_id)]
        assert [r["seq"] for r in mine] == [1, 2, 3, 4]
        assert mine[0]["type"] == "dossier.filed"
    rows = instances.query(
        env["DATABASE_URL"],
        "SELECT count(*), count(applied_at) FROM exchange_inmessage",
    )
    assert rows == [(8, 8)]
    links_there = instances.query(
        env["DATABASE_URL"], "SELECT remote_id, last_in_seq FROM exchange_link ORDER BY id"
    )
    assert sorted(str(r[0]).replace("-", "") for r in links_there) == sorted(
        link.dossier.public_id.hex for link in links
    )
    assert {r[1] for r in links_there} == {4}
