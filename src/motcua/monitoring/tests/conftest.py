"""Fixtures for the monitoring tests: small hand-built worlds driven through the services."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from motcua.agencies.models import Agency
from motcua.dossiers import services
from motcua.dossiers.models import Channel, Dossier
from tests.factories import AgencyFactory, ApplicantFactory, procedure_version

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def local(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    """An aware datetime in Vietnamese local time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


@pytest.fixture
def province():
    return AgencyFactory(code="TINH", name="Tỉnh Thử Nghiệm", kind=Agency.Kind.PROVINCE)


@pytest.fixture
def department(province):
    return AgencyFactory(
        code="TINH.STP", name="Sở Tư pháp", kind=Agency.Kind.DEPARTMENT, parent=province
    )


@pytest.fixture
def commune(province):
    return AgencyFactory(
        code="TINH.XA", name="Xã Thử Nghiệm", kind=Agency.Kind.COMMUNE, parent=province
    )


@pytest.fixture
def version():
    """A 3-working-day, 10,000 đ fully-online procedure."""
    return procedure_version("KT.01", processing_days=3, fee_vnd=10000)


class World:
    """Drives dossiers through the real services at chosen moments."""

    def __init__(self):
        self.applicant = ApplicantFactory()

    def counter(self, version, agency, at, channel=Channel.COUNTER) -> Dossier:
        return services.record_counter_dossier(
            applicant=self.applicant,
            version=version,
            agency=agency,
            by=None,
            at=at,
            channel=channel,
        )

    def online(self, version, agency, at, *, received_at=None, reused=False) -> Dossier:
        dossier = services.create_draft(applicant=self.applicant, version=version, agency=agency)
        if reused:
            Dossier.objects.filter(pk=dossier.pk).update(reused_data=True)
        services.transition(dossier, "submit", at=at)
        services.transition(dossier, "receive", at=received_at or at)
        return dossier

    def decide(self, dossier, at, action="approve") -> Dossier:
        """Start processing and approve (or refuse) at ``at``."""
        services.transition(dossier, "start_processing", at=at)
        return services.transition(dossier, action, at=at, note="Quyết định")

    def settle(self, dossier, at, *, electronic=False, returned=True) -> Dossier:
        """Approve, issue and (by default) return the result, all at ``at``."""
        self.decide(dossier, at)
        services.transition(dossier, "issue_result", at=at)
        if electronic:
            Dossier.objects.filter(pk=dossier.pk).update(result_electronic=True)
        if returned:
            services.transition(dossier, "return_result", at=at)
        dossier.refresh_from_db()
        return dossier


@pytest.fixture
def world():
    return World()
