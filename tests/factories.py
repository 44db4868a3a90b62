"""factory-boy factories shared by the test suites."""

import itertools

import factory
from factory.django import DjangoModelFactory

from motcua.accounts.models import Applicant, User
from motcua.agencies.models import Agency, Membership, Role
from motcua.catalog import services as catalog_services
from motcua.catalog.models import AuthorityLevel, ServiceLevel


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
