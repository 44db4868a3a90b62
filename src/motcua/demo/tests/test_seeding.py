"""seed_demo on the test database: accounts, applicants, dossiers and their history."""

import datetime as dt
import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from motcua.accounts.models import Applicant, User
from motcua.agencies.models import Agency, Membership, Role
from motcua.catalog import eform, forms_library
from motcua.catalog.models import AuthorityLevel
from motcua.demo import seeding
from motcua.dossiers.effects import code_agency_part, format_code
from motcua.dossiers.models import CodeCounter, Dossier, Status, StatusChange
from motcua.dossiers.services import local_date, record_counter_dossier
from motcua.dossiers.workflow import TRANSITIONS
from motcua.workdays.calendar import add_working_days

N = 500


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command(
            "seed_demo",
            "--dossiers",
            str(N),
            "--walkthrough",
            "0",
            "--signed-results",
            "0",
            stdout=out,
        )
        yield out.getvalue()
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_officers_for_every_role(seeded):
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    expected = {
        "motcua.stp": (Role.DESK_OFFICER, "BN.STP.MC"),
        "chuyenvien.stp": (Role.SPECIALIST, "BN.STP.CM"),
        "lanhdao.stp": (Role.LEADER, "BN.STP.LD"),
        "quantri.stp": (Role.AGENCY_ADMIN, "BN.STP"),
        "motcua.kinhbac": (Role.DESK_OFFICER, "BN.KINHBAC.MC"),
        "chuyenvien.kinhbac": (Role.SPECIALIST, "BN.KINHBAC.CM"),
        "lanhdao.kinhbac": (Role.LEADER, "BN.KINHBAC.LD"),
        "quantri.kinhbac": (Role.AGENCY_ADMIN, "BN.KINHBAC"),
        "giamsat": (Role.SUPERVISOR, seeding.PROVINCE_CODE),
        "hotro.buudien": (Role.AGENT, "BN.KINHBAC"),  # assisted filing, no officer
    }
    for username, (role, agency_code) in expected.items():
        user = User.objects.get(username=username)
        assert Membership.objects.filter(user=user, role=role, agency__code=agency_code).exists()
        assert user.is_staff == (role == Role.AGENCY_ADMIN)
        assert username in seeded  # printed in the list of accounts
    assert User.objects.get(username="motcua.stp").check_password(seeding.DEMO_PASSWORD)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    # Staff status only for agency administrators (and the superuser).
    staff = set(User.objects.filter(is_staff=True).values_list("username", flat=True))
    admins = set(
        Membership.objects.filter(role=Role.AGENCY_ADMIN).values_list("user__username", flat=True)
    )
    assert staff == admins | {"admin"}


def test_demo_province_structure(seeded):
    province = Agency.objects.get(code=seeding.PROVINCE_CODE)
    departments = Agency.objects.filter(parent=province, kind=Agency.Kind.DEPARTMENT)
    assert {d.name for d in departments} >= {name for _c, name in seeding.DEPARTMENTS}
    for department in departments:
        units = set(
            department.children.filter(kind=Agency.Kind.UNIT).values_list("name", flat=True)
        )
        assert units == {"Bộ phận một cửa", "Phòng chuyên môn", "Lãnh đạo"}
    communes = Agency.objects.filter(parent=province, kind=Agency.Kind.COMMUNE)
    assert communes.count() == len(seeding.COMMUNES)
    for commune in communes:
        assert (
            commune.children.filter(kind=Agency.Kind.DEPARTMENT, name__startswith="Công an").count()
            == 1
        )
    assert all(
        re.fullmatch(r"[A-Z0-9.\-]+", code)
        for code in Agency.objects.filter(code__startswith="BN.").values_list("code", flat=True)
    )


def test_every_procedure_resolves_to_an_agency(seeded):
    province = seeding.demo_province()
    kinhbac = Agency.objects.get(code="BN.KINHBAC")
    for version in seeding.current_versions():
        agency = seeding.resolve_agency(version, province)
        if version.level == AuthorityLevel.COMMUNE:
            if version.authority == "Công an cấp xã":
                assert agency.parent == kinhbac and agency.name == "Công an phường Kinh Bắc"
            else:
                assert agency == kinhbac
        elif version.level == AuthorityLevel.PROVINCE:
            assert agency.parent == province and agency.kind == Agency.Kind.DEPARTMENT
            assert agency.name == seeding.AUTHORITY_ALIASES.get(
                version.authority, version.authority
            )
        else:
            assert agency.kind == Agency.Kind.MINISTRY and agency.valid_until is None
        assert version.agencies.filter(pk=agency.pk).exists()


def test_citizens_and_businesses(seeded):
    persons = Applicant.objects.filter(kind=Applicant.Kind.PERSON)
    assert persons.count() == 300
    for person in persons.select_related("user"):
        pid = person.personal_id
        assert re.fullmatch(r"027[0-3]\d{8}", pid), pid
        century = 1900 if pid[3] in "01" else 2000
        assert century + int(pid[4:6]) == person.birth_date.year
        assert person.user.username == pid and person.user.personal_id == pid
        assert person.user.full_name == person.name
        # Citizens sign in at the demo identity provider with the demo password.
        assert person.user.check_password(seeding.DEMO_PASSWORD)
        assert "Bắc Ninh" in person.address and person.phone
    businesses = Applicant.objects.filter(kind=Applicant.Kind.BUSINESS)
    assert businesses.count() == 60
    for business in businesses:
        assert re.fullmatch(r"\d{10}", business.tax_code)
        assert business.representative.kind == Applicant.Kind.PERSON
        assert business.user_id == business.representative.user_id


def test_dossiers(seeded):
    dossiers = list(
        Dossier.objects.select_related("procedure_version__procedure", "agency", "applicant")
    )
    assert len(dossiers) == N
    modelled = set(forms_library.codes())
    filled = decided = 0
    codes = [d.code for d in dossiers]
    assert len(set(codes)) == N
    assert len({d.public_id for d in dossiers}) == N
    history = {}
    for change in StatusChange.objects.order_by("at", "pk"):
        history.setdefault(change.dossier_id, []).append(change)
    two_years_ago = timezone.now() - dt.timedelta(days=731)
    for d in dossiers:
        expected_code = format_code(code_agency_part(d.agency), local_date(d.submitted_at), 0)[:-4]
        assert d.code.startswith(expected_code), (d.code, expected_code)
        assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{12}", d.lookup_secret)
        version = d.procedure_version
        if version.procedure.code in modelled and d.applicant.kind == Applicant.Kind.PERSON:
            # The real tờ khai, filled with data its own rules accept.
            assert eform.validate_data(version.form_schema, d.form_data, strict=True) == {}
            filled += 1
            if d.status in (Status.APPROVED, Status.RESULT_ISSUED, Status.RETURNED):
                # Assessed: the specialist's decision data, valid for the procedure.
                assert d.decision_data
                assert eform.validate_decision(version.form_schema, d.decision_data) == {}
                decided += 1
        else:
            assert d.form_data == {} and d.decision_data == {}
        assert two_years_ago <= d.submitted_at <= timezone.now()
        version = d.procedure_version
        assert d.fee_vnd == (version.online_fee_vnd if d.channel == "online" else version.fee_vnd)
        rows = history[d.pk]
        assert rows[0].action == ("submit" if d.channel == "online" else "receive")
        assert rows[0].from_status == ("draft" if d.channel == "online" else "")
        for previous, row in zip(rows, rows[1:], strict=False):
            assert row.from_status == previous.to_status
            assert row.from_status in TRANSITIONS[row.action].sources
        for row in rows:
            assert row.to_status == TRANSITIONS[row.action].target
        assert rows[-1].to_status == d.status
        assert d.updated_at == rows[-1].at
        if d.received_at:
            assert d.due_date == add_working_days(
                local_date(d.received_at), version.processing_days
            )
        else:
            assert d.due_date is None
        if d.status == Status.RETURNED:
            assert d.finished_at and d.returned_at and d.finished_at <= d.returned_at
            assert d.received_at <= d.finished_at
        if d.status in (Status.APPROVED, Status.RESULT_ISSUED, Status.REFUSED):
            assert d.finished_at
        assert (d.paused_at is not None) == (d.status == Status.WAITING_SUPPLEMENT)
    assert filled > N // 4  # the popular procedures are the modelled ones
    assert decided > 0


def test_realistic_mix(seeded):
    dossiers = Dossier.objects.all()
    channels = Counter(dossiers.values_list("channel", flat=True))
    assert 0.45 < channels["online"] / N < 0.65
    assert channels["counter"] > channels["postal"] > 0
    statuses = Counter(dossiers.values_list("status", flat=True))
    assert statuses[Status.RETURNED] / N > 0.8
    finished = [d for d in dossiers.filter(status=Status.RETURNED)]
    early = sum(local_date(d.finished_at) < d.due_date for d in finished) / len(finished)
    late = sum(local_date(d.finished_at) > d.due_date for d in finished) / len(finished)
    assert 0.6 < early < 0.8 and 0.04 < late < 0.2


def test_code_counters_prevent_collisions(seeded):
    for counter in CodeCounter.objects.all():
        prefix = format_code(code_agency_part(counter.agency), counter.day, 0)[:-4]
        seqs = [
            int(code[-4:])
            for code in Dossier.objects.filter(code__startswith=prefix).values_list(
                "code", flat=True
            )
        ]
        assert counter.value == max(seqs)
    used = (
        Dossier.objects.filter(channel="counter", agency__code="BN.STP").first()
        or Dossier.objects.filter(channel="counter").first()
    )
    desk = User.objects.get(username="motcua.stp")
    before = set(Dossier.objects.values_list("code", flat=True))
    new = record_counter_dossier(
        applicant=used.applicant,
        version=used.procedure_version,
        agency=used.agency,
        by=desk,
        at=used.received_at,
    )
    assert new.code not in before
    assert new.code.startswith(used.code[:-4])


def test_once_is_a_no_op_when_seeded(seeded):
    counts = (
        Agency.objects.count(),
        User.objects.count(),
        Applicant.objects.count(),
        Dossier.objects.count(),
    )
    out = io.StringIO()
    call_command("seed_demo", "--once", stdout=out)
    assert "nothing to do" in out.getvalue()
    assert counts == (
        Agency.objects.count(),
        User.objects.count(),
        Applicant.objects.count(),
        Dossier.objects.count(),
    )


def test_seeding_again_adds_dossiers_without_collisions(seeded):
    call_command(
        "seed_demo",
        "--dossiers",
        "50",
        "--walkthrough",
        "0",
        "--signed-results",
        "0",
        stdout=io.StringIO(),
    )
    assert Applicant.objects.filter(kind=Applicant.Kind.PERSON).count() == 300
    assert Dossier.objects.count() == N + 50
    assert Dossier.objects.values("code").distinct().count() == N + 50


def test_agency_administrators_can_edit_the_catalogue_in_the_admin(seeded):
    from motcua.accounts.models import User

    user = User.objects.get(username="quantri.stp")
    assert user.is_staff
    assert user.has_perm("catalog.change_procedureversion")
    # The nationwide calendar is the national calendar managers' (hole 7): view only.
    assert user.has_perm("workdays.view_calendaroverride")
    assert not user.has_perm("workdays.manage_calendar")
    assert not user.has_perm("workdays.add_calendaroverride")
    assert user.has_perm("audit.view_auditrecord")
    assert not user.has_perm("audit.change_auditrecord")


def test_walkthrough_dossiers_wait_at_the_showcase_desks(seeded):
    from motcua.dossiers.models import Status

    before = Dossier.objects.filter(agency__code="BN.STP", status=Status.SUBMITTED).count()
    assert seeding.create_walkthrough_dossiers(2, log=lambda _: None) == 4
    waiting = Dossier.objects.filter(agency__code="BN.STP", status=Status.SUBMITTED)
    assert waiting.count() == before + 2
    assert all(d.code and d.history.filter(action="submit").exists() for d in waiting)


def test_each_demo_role_walks_a_dossier_from_intake_to_the_returned_result(seeded, client):
    """The walk the README describes, as the demo accounts, through the officers' pages."""
    from django.urls import reverse

    seeding.create_walkthrough_dossiers(1, log=lambda _: None)
    dossier = (
        Dossier.objects.filter(agency__code="BN.STP", status=Status.SUBMITTED)
        .order_by("-pk")
        .first()
    )

    def act(username, action, **data):
        client.force_login(User.objects.get(username=username))
        url = reverse("backoffice:act", args=[dossier.public_id, action])
        response = client.post(url, {"note": data.pop("note", ""), **data})
        assert response.status_code == 302, (username, action, response.status_code)
        dossier.refresh_from_db()

    specialist = User.objects.get(username="chuyenvien.stp")
    act("motcua.stp", "receive")
    act("motcua.stp", "start_processing", assignee=specialist.pk)
    assert dossier.assignee == specialist and dossier.status == Status.IN_PROCESS
    # The specialist records the assessment the Phiếu LLTP prints ("không có án tích").
    client.force_login(specialist)
    assessment = reverse("backoffice:record_decision", args=[dossier.public_id])
    answer = client.post(assessment, {"has_conviction": "khong", "has_ban": "khong"})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    dossier.refresh_from_db()
    assert dossier.decision_data["has_conviction"] is False
    act("chuyenvien.stp", "give_opinion", note="Hồ sơ hợp lệ, đề nghị phê duyệt.")
    act("lanhdao.stp", "approve")
    # The desk previews the result, then signs exactly what it saw.
    client.force_login(User.objects.get(username="motcua.stp"))
    preview = reverse("backoffice:result_preview", args=[dossier.public_id])
    assert client.post(preview).status_code == 302
    act("motcua.stp", "issue_result")  # the previewed result, signed by the agency
    act("motcua.stp", "return_result")
    assert dossier.status == Status.RETURNED and dossier.result_electronic
    assert list(dossier.history.values_list("action", flat=True)) == [
        "submit",
        "receive",
        "start_processing",
        "give_opinion",
        "approve",
        "issue_result",
        "return_result",
    ]


def test_the_simulated_registries_know_the_demo_people(seeded):
    from motcua.registrysim.models import Business, LandParcel, Person

    citizen = Applicant.objects.filter(kind=Applicant.Kind.PERSON).first()
    person = Person.objects.get(personal_id=citizen.personal_id)
    assert (person.full_name, person.birth_date) == (citizen.name, citizen.birth_date)
    firm = Applicant.objects.filter(kind=Applicant.Kind.BUSINESS).first()
    registered = Business.objects.get(tax_code=firm.tax_code)
    assert registered.representative_personal_id == firm.representative.personal_id
    assert LandParcel.objects.exists()


def test_the_walks_citizen_is_a_married_woman_without_children_yet(seeded):
    from motcua.registrysim import selectors as registry

    citizen = Applicant.objects.filter(kind=Applicant.Kind.PERSON).order_by("pk").first()
    record = registry.record_for("dan_cu", citizen.personal_id)
    assert record["sex"] == "nu" and record["residence"]["province"] == "Tỉnh Bắc Ninh"
    relations = record["relations"]
    assert relations["spouse"]["sex"] == "nam" and relations["children"] == []
    assert {m["relation"] for m in relations["household"]["members"]} == {"chu_ho", "chong"}


def test_the_demo_fee_schedule_has_discount_exemption_and_provincial_rules(seeded):
    from motcua.catalog.fees import quote
    from motcua.catalog.models import Procedure

    province = seeding.demo_province()
    department = Agency.objects.get(code="BN.STP")
    in_2026 = dt.date(2026, 11, 23)

    def fee(code, agency=None, on=in_2026):
        return quote(Procedure.objects.get(code=code).current_version, agency, on)

    assert (fee("MC.TP.01").counter_vnd, fee("MC.TP.01").online_vnd) == (200_000, 100_000)
    assert fee("MC.TP.01", on=dt.date(2027, 1, 1)).online_vnd == 200_000
    assert fee("MC.DN.01").online_vnd == 0 and fee("MC.DN.01").counter_vnd == 50_000
    assert fee("MC.HT.07", department).counter_vnd == 10_000  # the province's own fee
    assert fee("MC.HT.07", province).counter_vnd == 10_000
    assert fee("MC.HT.07").counter_vnd == 15_000  # elsewhere, the general fee


def test_demo_pakn_some_answered_published_and_rated(seeded):
    from motcua.feedback.models import Feedback
    from motcua.feedback.models import Status as PaknStatus

    assert "phản ánh, kiến nghị mẫu" in seeded
    at_stp = Feedback.objects.filter(agency__code="BN.STP")
    assert at_stp.filter(status=PaknStatus.RECEIVED).count() == 2
    published = at_stp.filter(published_at__isnull=False)
    assert published.count() == 2
    assert all("0912 000 111" not in f.published_question for f in published)
    assert at_stp.filter(satisfied=True).count() == 1


def test_the_demo_citizens_sign_in_ids_are_printed(seeded):
    """The README promises them: `seed_demo` (and `make run`'s `--once`) prints the first
    demo citizens' personal IDs, which are their sign-in names at the demo e-ID."""
    out = io.StringIO()
    call_command("seed_demo", "--once", stdout=out)
    printed = re.findall(r"^\s+(\d{12})\s+\S", out.getvalue(), re.M)
    assert "Công dân mẫu" in out.getvalue() and len(printed) == 5
    for personal_id in printed:
        applicant = Applicant.objects.get(personal_id=personal_id, kind=Applicant.Kind.PERSON)
        assert applicant.user.username == personal_id
        assert applicant.user.has_usable_password()


def test_the_demo_commune_desk_receives_the_department_of_justices_procedures(seeded):
    """The demo's "phi địa giới" line (Decree 118/2025/NĐ-CP Art. 14)."""
    from django.utils import timezone

    from motcua.agencies.models import Agency
    from motcua.catalog.selectors import receivable_at

    desk = Agency.objects.get(code="BN.KINHBAC")
    found = receivable_at(desk, timezone.localdate())
    assert found
    assert {r.settling_agency.code for r in found} == {"BN.STP"}
