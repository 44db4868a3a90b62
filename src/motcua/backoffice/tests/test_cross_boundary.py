"""Receipt regardless of administrative boundary (Decree 118/2025/NĐ-CP Art. 14): a
commune desk receives a paper dossier of a provincial department's procedure, routes it
to the department, and the result is returned where it was filed."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.agencies.models import Agency, Role
from motcua.audit.models import AuditRecord
from motcua.backoffice import home, scope
from motcua.backoffice.intake_forms import IntakeForm
from motcua.backoffice.paperwork import documents
from motcua.catalog.models import CrossBoundaryIntake
from motcua.catalog.selectors import receivable_at
from motcua.dossiers.models import Dossier, Status
from tests.factories import AgencyFactory, UserFactory, offered_version

pytestmark = pytest.mark.django_db
INTAKE = "/mot-cua/tiep-nhan/"


@pytest.fixture
def land(db):
    province = AgencyFactory(code="PA", name="Tỉnh Phú An", kind=Agency.Kind.PROVINCE)
    department = AgencyFactory(
        code="PA.STP", name="Sở Tư pháp Phú An", kind=Agency.Kind.DEPARTMENT, parent=province
    )
    commune = AgencyFactory(
        code="PA.XA", name="Xã An Bình", kind=Agency.Kind.COMMUNE, parent=province
    )
    other = AgencyFactory(
        code="PA.XB", name="Xã Bình Minh", kind=Agency.Kind.COMMUNE, parent=province
    )
    settled = offered_version("STP.LLTP", [department], name="Cấp Phiếu lý lịch tư pháp")
    own = offered_version("XA.KS", [commune], name="Đăng ký khai sinh")
    foreign = offered_version("XB.KH", [other], name="Đăng ký kết hôn")
    CrossBoundaryIntake.objects.create(
        desk=commune, settling_agency=department, valid_from=timezone.localdate()
    )
    return {
        "province": province,
        "department": department,
        "commune": commune,
        "other": other,
        "settled": settled,
        "own": own,
        "foreign": foreign,
    }


def intake_data(desk, version, **overrides):
    data = {
        "token": str(uuid.uuid4()),
        "agency": desk.pk,
        "procedure": version.pk,
        "kind": "person",
        "name": "Trần Thị Bình",
        "personal_id": "001190123456",
        "tax_code": "",
        "phone": "0912345678",
        "address": "Xã An Bình",
        "components": [c.pk for c in version.components.all()],
    }
    data.update(overrides)
    return data


def test_the_selector_lists_what_the_list_allows_and_nothing_else(land):
    today = timezone.localdate()
    found = receivable_at(land["commune"], today)
    assert [(r.version, r.settling_agency) for r in found] == [
        (land["settled"], land["department"])
    ]
    assert receivable_at(land["other"], today) == []
    # A line out of force allows nothing.
    CrossBoundaryIntake.objects.update(valid_until=today - dt.timedelta(days=1))
    assert receivable_at(land["commune"], today) == []


def test_a_line_without_a_settling_agency_covers_the_provinces_agencies(land):
    CrossBoundaryIntake.objects.update(settling_agency=None, procedure=land["settled"].procedure)
    found = receivable_at(land["commune"], timezone.localdate())
    assert [(r.version, r.settling_agency) for r in found] == [
        (land["settled"], land["department"])
    ]


def test_the_picker_offers_only_what_the_desk_receives(land, officer_of):
    desk = officer_of(land["commune"])
    choices = dict(IntakeForm(user=desk).fields["procedure"].choices)
    assert land["own"].pk in choices
    assert land["settled"].pk in choices and "phi địa giới" in choices[land["settled"].pk]
    assert "Sở Tư pháp Phú An" in choices[land["settled"].pk]
    assert land["foreign"].pk not in choices
    # The other commune's desk has no line: only its own procedure.
    other = dict(
        IntakeForm(user=officer_of(land["other"], username="mc.xb")).fields["procedure"].choices
    )
    assert land["foreign"].pk in other
    assert land["settled"].pk not in other and land["own"].pk not in other


def test_a_procedure_the_desk_does_not_receive_is_refused(client, land, officer_of):
    client.force_login(officer_of(land["commune"]))
    response = client.post(INTAKE, intake_data(land["commune"], land["foreign"]))
    assert response.status_code == 400
    assert not Dossier.objects.exists()


def received(client, land, officer_of, **overrides):
    desk_officer = officer_of(land["commune"], username="motcua.xa")
    client.force_login(desk_officer)
    response = client.post(
        INTAKE, intake_data(land["commune"], land["settled"], **overrides), follow=True
    )
    assert response.status_code == 200, response.content.decode()[:3000]
    return Dossier.objects.get(), response.content.decode(), desk_officer


def test_the_commune_desk_receives_for_the_department_and_routes_it(client, land, officer_of):
    before = timezone.now()
    dossier, page, desk_officer = received(client, land, officer_of)
    assert dossier.agency == land["department"]
    assert dossier.intake_agency == land["commune"]
    assert dossier.return_agency == land["commune"]
    assert dossier.status == Status.RECEIVED and dossier.received_at >= before
    assert dossier.due_date is not None
    # The officer is told what happened and when the result is due.
    assert f"Đã tiếp nhận hồ sơ {dossier.code}, hẹn trả" in page
    assert "Sở Tư pháp Phú An" in page and "Xã An Bình" in page
    # The receipt (form 01) names both the receiving desk and the settling agency.
    form01 = documents.context_for(documents.FORMS["01"], dossier)
    assert form01["intake_desk"] == land["commune"]
    assert form01["settling_agency"] == land["department"]
    assert "Xã An Bình" in str(form01["delivery"])
    # Routed at once: in the department's queue, processed as its own.
    department_desk = officer_of(land["department"], username="motcua.stp")
    assert scope.dossiers_for(department_desk).filter(pk=dossier.pk).exists()
    assert scope.can(department_desk, "start_processing", dossier)
    # The receiving desk sees its part, read-only.
    assert not scope.dossiers_for(desk_officer).filter(pk=dossier.pk).exists()
    assert list(scope.received_for_others(desk_officer)) == [dossier]
    assert scope.permitted_actions(desk_officer, dossier, ["start_processing", "refuse"]) == []
    listing = client.get(reverse("backoffice:received_for_others")).content.decode()
    assert dossier.code in listing and "Sở Tư pháp Phú An" in listing
    assert AuditRecord.objects.filter(action="dossier.received_elsewhere").exists()


def test_the_result_is_returned_at_the_desk_where_it_was_filed(client, land, officer_of):
    dossier, _page, desk_officer = received(client, land, officer_of)
    department_desk = officer_of(land["department"], username="motcua.stp")
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.RESULT_ISSUED)
    dossier = scope.get_dossier_for(desk_officer, dossier.public_id)
    assert scope.can(desk_officer, "return_result", dossier)
    # "Việc của tôi": the result waits at the commune's desk, not at the department's.
    assert dossier in [d for d, _ in home.sections_for(desk_officer, {Role.DESK_OFFICER})[2].rows]
    assert home.sections_for(department_desk, {Role.DESK_OFFICER})[2].rows == []
    assert not scope.can(department_desk, "return_result", dossier)
    # Another commune's desk does not even see it.
    stranger = officer_of(land["other"], username="motcua.xb")
    client.force_login(stranger)
    page = reverse("backoffice:dossier", args=[dossier.public_id])
    assert client.get(page).status_code == 404
    act = reverse("backoffice:act", args=[dossier.public_id, "return_result"])
    assert client.post(act, {"note": ""}).status_code == 404
    # The settling agency's desk may not return it either: it is returned at the commune.
    client.force_login(department_desk)
    assert client.post(act, {"note": ""}).status_code == 403
    client.force_login(desk_officer)
    assert 'data-action="return_result"' in client.get(page).content.decode()
    assert client.post(act, {"note": ""}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED


def test_returned_at_the_settling_agency_when_chosen(client, land, officer_of):
    dossier, _page, desk_officer = received(client, land, officer_of, return_at="settling")
    assert dossier.return_agency == land["department"]
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.RESULT_ISSUED)
    dossier.refresh_from_db()
    department_desk = officer_of(land["department"], username="motcua.stp")
    assert scope.can(department_desk, "return_result", dossier)
    assert not scope.can(desk_officer, "return_result", dossier)


def test_the_list_is_kept_in_the_admin_and_audited(client, land):
    client.force_login(UserFactory(username="qtht", is_staff=True, is_superuser=True))
    url = "/quan-tri/catalog/crossboundaryintake/"
    added = client.post(
        url + "add/",
        {
            "desk": land["other"].pk,
            "procedure": land["settled"].procedure.pk,
            "settling_agency": land["department"].pk,
            "valid_from": "2026-07-01",
            "valid_until": "",
            "note": "Quyết định 45/QĐ-UBND",
        },
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    line = CrossBoundaryIntake.objects.get(desk=land["other"])
    saved = AuditRecord.objects.get(action="catalog.cross_boundary_saved")
    assert saved.data["desk"] == "PA.XB" and saved.data["settling_agency"] == "PA.STP"
    assert line.created_by.username == "qtht"
    removed = client.post(f"{url}{line.pk}/delete/", {"post": "yes"})
    assert removed.status_code == 302
    assert AuditRecord.objects.filter(action="catalog.cross_boundary_removed").exists()
    same = client.post(
        url + "add/",
        {"desk": land["other"].pk, "settling_agency": land["other"].pk, "valid_from": "2026-07-01"},
    )
    assert same.status_code == 200 and "phải khác bộ phận tiếp nhận" in same.content.decode()
