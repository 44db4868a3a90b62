"""The read replica takes the dashboards' reads of monitoring tables, nothing else."""

import json
import subprocess
import sys

import pytest
from django.db import transaction
from django.http import JsonResponse
from django.urls import include, path

from motcua.accounts.models import User
from motcua.monitoring.models import DailyRollup
from motcua.ops.context import replica_reads
from motcua.ops.routers import ReplicaRouter

from .conftest import REPO, subprocess_env

router = ReplicaRouter()


@pytest.fixture
def replica(settings):
    settings.MOTCUA_REPLICA_DATABASE = "replica"
    settings.MOTCUA_REPLICA_APPS = ["monitoring"]
    settings.MOTCUA_REPLICA_NAMESPACES = ["monitoring"]
    return "replica"


def test_dashboard_reads_of_monitoring_tables_go_to_the_replica(replica):
    with replica_reads():
        assert router.db_for_read(DailyRollup) == "replica"
        assert router.db_for_read(User) is None  # sessions and users: the primary
    assert router.db_for_read(DailyRollup) is None  # outside a dashboard


def test_writes_stay_on_the_primary(replica):
    with replica_reads():
        assert router.db_for_write(DailyRollup) == "default"


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_stay_on_the_primary(replica):
    # The dossier-event listeners update rollups inside the dossier's transaction.
    with replica_reads(), transaction.atomic():
        assert router.db_for_read(DailyRollup) is None


def test_no_replica_configured_means_no_routing(settings):
    settings.MOTCUA_REPLICA_DATABASE = ""
    with replica_reads():
        assert router.db_for_read(DailyRollup) is None


def test_the_replica_is_never_migrated(replica):
    assert router.allow_migrate("replica", "monitoring") is False
    assert router.allow_migrate("default", "monitoring") is None


def _where_rollups_are_read(request):
    return JsonResponse({"database": router.db_for_read(DailyRollup)})


urlpatterns = [
    path("giam-sat/", include(([path("bang", _where_rollups_are_read)], "monitoring"))),
    path("mot-cua/", include(([path("bang", _where_rollups_are_read)], "backoffice"))),
]


def test_the_middleware_marks_dashboard_gets_only(client, settings, replica):
    settings.ROOT_URLCONF = __name__
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "motcua.ops.middleware.ReplicaReadsMiddleware"]
    assert client.get("/giam-sat/bang").json() == {"database": "replica"}
    assert client.get("/mot-cua/bang").json() == {"database": None}
    assert client.post("/giam-sat/bang").json() == {"database": None}
    assert router.db_for_read(DailyRollup) is None  # over when the response is done


def test_database_replica_url_configures_the_replica(tmp_path):
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.DATABASES['replica']['HOST'], "
        "settings.DATABASES['replica']['TEST'], settings.DATABASE_ROUTERS, "
        "settings.MIDDLEWARE[-1], settings.DATABASES['default']['CONN_MAX_AGE']]))"
    )
    env = subprocess_env(
        tmp_path,
        DATABASE_URL="postgres://motcua@db-primary:5432/motcua",
        DATABASE_REPLICA_URL="postgres://motcua@db-replica:5432/motcua",
        MOTCUA_DB_CONN_MAX_AGE="120",
    )
    run = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=REPO, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [
        "db-replica",
        {"MIRROR": "default"},
        ["motcua.ops.routers.ReplicaRouter"],
        "motcua.ops.middleware.ReplicaReadsMiddleware",
        120,
    ]
