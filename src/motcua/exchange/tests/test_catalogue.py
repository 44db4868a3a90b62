"""The province's catalogue exported, and replicated on the national portal: agencies with
their identifiers and home instance, procedures with their e-form, components, steps and
fees, the CA the province's results are signed under."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command

from motcua.agencies.models import Agency
from motcua.catalog import fees
from motcua.catalog.models import FeeRule, Procedure, ProcedureVersion
from motcua.exchange import catalogue
from motcua.results import pki
from motcua.results.models import CertificateAuthority
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_catalogue(province_agency, version):
    FeeRule.objects.create(
        procedure=version.procedure,
        agency=None,
        fee_vnd=8000,
        online_policy="percent",
        online_value=50,
        valid_from=dt.date(2026, 1, 1),
        legal_basis="Nghị quyết 12/2025/NQ-HĐND",
    )
    pki.ensure_ca()
    return catalogue.export_catalogue()


def as_if_elsewhere(data: dict) -> dict:
    """The same catalogue as another instance would send it: its codes differ from this
    database's (one database plays the national side here)."""
    text = json.dumps(data).replace('"BN', '"HN').replace("1.001193", "1.009999")
    text = text.replace("000.00.12.H05", "000.00.12.H26")
    return json.loads(text)


def test_the_export_carries_what_the_portal_needs(province_catalogue, version):
    data = province_catalogue
    assert data["format"] == "motcua-catalogue/1"
    agencies = {a["code"]: a for a in data["agencies"]}
    assert agencies["BN.STP"]["identifier"] == "000.00.12.H05"
    assert agencies["BN.STP"]["parent"] == "BN" and agencies["BN"]["kind"] == "province"
    (procedure,) = data["procedures"]
    assert procedure["code"] == "1.001193" and procedure["agencies"] == ["BN.STP"]
    assert procedure["version"]["number"] == version.number
    assert procedure["version"]["form_schema"] == version.form_schema
    assert [c["name"] for c in procedure["components"]] == ["Tờ khai", "Giấy chứng sinh"]
    assert [s["position"] for s in procedure["steps"]] == [
        s.position for s in version.steps.order_by("position")
    ]
    assert procedure["fees"][0]["fee_vnd"] == 8000 and procedure["fees"][0]["agency"] is None
    (ca,) = data["certificate_authorities"]
    assert "BEGIN CERTIFICATE" in ca
    json.dumps(data)  # travels as JSON


def test_the_portal_replicates_the_catalogue(province_catalogue, province_peer):
    data = as_if_elsewhere(province_catalogue)
    CertificateAuthority.objects.all().delete()  # the portal does not know the CA yet
    report = catalogue.import_catalogue(province_peer, data)
    assert (report.agencies_created, report.versions_created) == (2, 1)
    assert report.authorities_added == 1 and report.agencies_skipped == []
    # The CA is the province's: tied to it, and not in the portal's own catalogue.
    (ca,) = CertificateAuthority.objects.all()
    assert ca.peer_code == "BN"
    assert catalogue.export_catalogue()["certificate_authorities"] == []
    department = Agency.objects.get(code="HN.STP")
    assert department.home_instance == "BN" and department.identifier == "000.00.12.H26"
    assert department.parent.code == "HN"
    procedure = Procedure.objects.get(code="1.009999")
    copy = procedure.current_version
    assert copy.status == ProcedureVersion.Status.PUBLISHED
    assert list(copy.agencies.all()) == [department]
    assert copy.form_schema == province_catalogue["procedures"][0]["version"]["form_schema"]
    assert [c.name for c in copy.components.order_by("position")] == ["Tờ khai", "Giấy chứng sinh"]
    assert copy.steps.count() == len(province_catalogue["procedures"][0]["steps"])
    # The province's fee schedule quotes the same fee on the portal.
    quote = fees.quote(copy, department, dt.date(2026, 6, 1))
    assert quote.amount(online=True) == 4000

    again = catalogue.import_catalogue(province_peer, data)
    assert (again.agencies_created, again.versions_created, again.authorities_added) == (0, 0, 0)
    assert FeeRule.objects.filter(procedure=procedure).count() == 1

    # A newer version published by the province replaces the copy.
    data["procedures"][0]["version"]["number"] += 1
    data["procedures"][0]["version"]["name"] = "Đăng ký khai sinh (sửa đổi)"
    catalogue.import_catalogue(province_peer, data)
    procedure.refresh_from_db()
    assert procedure.current_version.name == "Đăng ký khai sinh (sửa đổi)"
    assert ProcedureVersion.objects.get(pk=copy.pk).status == ProcedureVersion.Status.SUPERSEDED


def test_an_agency_of_this_instance_is_never_taken_over(province_catalogue, province_peer):
    AgencyFactory(code="HN.STP", name="Sở Tư pháp của cổng")
    report = catalogue.import_catalogue(province_peer, as_if_elsewhere(province_catalogue))
    assert report.agencies_skipped == ["HN.STP"]
    assert Agency.objects.get(code="HN.STP").home_instance == ""


def test_pull_catalogue_command(province_catalogue, province_peer, monkeypatch, capsys):
    data = as_if_elsewhere(province_catalogue)
    monkeypatch.setattr(catalogue, "fetch_catalogue", lambda peer: data)
    call_command("pull_catalogue", "--peer", "BN")
    assert "BN: 2 cơ quan mới" in capsys.readouterr().out
    assert Agency.objects.get(code="HN.STP").home_instance == "BN"
