"""factory-boy factories shared by the test suites."""

import itertools

import factory
from factory.django import DjangoModelFactory

from motcua.accounts.models import Applicant, User
from motcua.agencies.models import Agency, Membership, Role
from motcua.catalog import services as catalog_services
from motcua.catalog.models import AuthorityLevel, ServiceLevel
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Channel, Dossier


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="vi_VN")
    password = factory.django.Password("matkhau-demo-123")


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"AG{n:04d}")
    name = factory.Sequence(lambda n: f"Cơ quan {n}")
    kind = Agency.Kind.DEPARTMENT


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.DESK_OFFICER


class ApplicantFactory(DjangoModelFactory):
    class Meta:
        model = Applicant

    kind = Applicant.Kind.PERSON
    name = factory.Faker("name", locale="vi_VN")
    personal_id = factory.Sequence(lambda n: f"001090{n:06d}")


class BusinessFactory(ApplicantFactory):
    """A business applicant (give it a ``representative``, a person applicant)."""

    kind = Applicant.Kind.BUSINESS
    personal_id = ""
    tax_code = factory.Sequence(lambda n: f"0101{n:06d}")


def citizen_user(username: str, full_name: str, personal_id: str, **user_fields) -> User:
    """A citizen's account with the person applicant it files as (same name and ID)."""
    user = UserFactory(
        username=username, full_name=full_name, personal_id=personal_id, **user_fields
    )
    ApplicantFactory(user=user, personal_id=personal_id, name=full_name)
    return user


def officer_user(
    agency: Agency, role: str = Role.DESK_OFFICER, username: str | None = None, **user_fields
) -> User:
    """A user holding ``role`` at ``agency`` (username ``<role>-<agency code>`` by default)."""
    user = UserFactory(username=username or f"{role}-{agency.code}".lower(), **user_fields)
    MembershipFactory(user=user, agency=agency, role=role)
    return user


def procedure_version(code: str = "TEST.01", **overrides):
    """A published procedure version built through the catalogue service."""
    fields = dict(
        code=code,
        name="Đăng ký khai sinh",
        sector="Hộ tịch",
        level=AuthorityLevel.COMMUNE,
        authority="UBND cấp xã",
        processing_days=3,
        fee_vnd=10000,
        service_level=ServiceLevel.FULL,
        result_name="Giấy khai sinh",
        components=[("Tờ khai", ""), ("Giấy chứng sinh", "")],
        data_sources=["dan_cu"],
    )
    fields.update(overrides)
    version, _ = catalog_services.save_procedure(catalog_services.ProcedureData(**fields))
    return version


def offered_version(code: str, agencies, **overrides):
    """A published procedure version (see ``procedure_version``) handled by ``agencies``."""
    version = procedure_version(code, **overrides)
    version.agencies.add(*agencies)
    return version


_dossier_codes = itertools.count(1)


def dossier_in_status(status: str, **fields):
    """A dossier put directly in ``status`` (as if it had got there through the workflow).

    ``applicant``, ``procedure_version`` and ``agency`` are required in ``fields``; a
    dossier past the draft gets a unique code unless one is given.
    """
    from motcua.dossiers.models import Channel, Dossier, Status

    defaults = dict(
        channel=Channel.ONLINE,
        status=status,
        code=None if status == Status.DRAFT else f"T-{next(_dossier_codes):07d}",
    )
    defaults.update(fields)
    return Dossier.objects.create(**defaults)


def dossier_maker(default_status: str, **defaults):
    """``make(status=default_status, **fields)``: a dossier put directly in ``status``.

    ``defaults`` are the dossier's fields unless ``fields`` say otherwise; a callable
    default is called anew for every dossier (``applicant=ApplicantFactory``).
    """

    def make(status: str = default_status, **fields):
        values = {key: value() if callable(value) else value for key, value in defaults.items()}
        return dossier_in_status(status, **{**values, **fields})

    return make


class World:
    """Drives dossiers through the real services at chosen moments."""

    def __init__(self):
        self.applicant = ApplicantFactory()

    def counter(self, version, agency, at, channel=Channel.COUNTER) -> Dossier:
        return dossier_services.record_counter_dossier(
            applicant=self.applicant,
            version=version,
            agency=agency,
            by=None,
            at=at,
            channel=channel,
        )

    def online(self, version, agency, at, *, received_at=None, reused=False) -> Dossier:
        dossier = dossier_services.create_draft(
            applicant=self.applicant, version=version, agency=agency
        )
        if reused:
            Dossier.objects.filter(pk=dossier.pk).update(reused_data=True)
        dossier_services.transition(dossier, "submit", at=at)
        dossier_services.transition(dossier, "receive", at=received_at or at)
        return dossier

    def decide(self, dossier, at, action="approve") -> Dossier:
        """Start processing and approve (or refuse) at ``at``."""
        dossier_services.transition(dossier, "start_processing", at=at)
        return dossier_services.transition(dossier, action, at=at, note="Quyết định")

    def settle(self, dossier, at, *, electronic=False, returned=True) -> Dossier:
        """Approve, issue and (by default) return the result, all at ``at``."""
        self.decide(dossier, at)
        dossier_services.transition(dossier, "issue_result", at=at)
        if electronic:
            Dossier.objects.filter(pk=dossier.pk).update(result_electronic=True)
        if returned:
            dossier_services.transition(dossier, "return_result", at=at)
        dossier.refresh_from_db()
        return dossier
