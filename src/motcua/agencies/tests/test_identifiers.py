"""Official electronic identifiers (Decision 20/2020/QĐ-TTg): structure, model, admin, import."""

import pytest
from django.core.exceptions import ValidationError

from motcua.agencies.identifiers import (
    identifier_problem,
    level_of,
    parent_identifier,
    validate_identifier,
)
from motcua.agencies.loading import IdentifierError, load_identifiers
from motcua.agencies.models import Agency


@pytest.mark.parametrize(
    ("identifier", "level"),
    [("000.00.00.H30", 1), ("000.00.31.H29", 2), ("000.01.31.H29", 3), ("001.01.31.H29", 4)],
)
def test_well_formed_identifiers_and_their_levels(identifier, level):
    assert identifier_problem(identifier) == ""
    assert level_of(identifier) == level


@pytest.mark.parametrize(
    "identifier",
    [
        "",
        "H30",
        "000.00.00.h30",  # the group letter is a capital
        "00.00.00.H30",
        "000.00.00.H3",
        "000.00.00.HH1",
        "000 00 00 H30",
        "000.00.00.H30 ",
        "001.00.31.H29",  # level 4 under no level 3
        "000.01.00.H29",  # level 3 under no level 2
    ],
)
def test_malformed_identifiers_are_refused_in_vietnamese(identifier):
    with pytest.raises(ValidationError) as refused:
        validate_identifier(identifier)
    assert "Mã định danh điện tử" in refused.value.messages[0]


def test_parent_identifier_clears_the_lowest_level():
    assert parent_identifier("001.01.31.H29") == "000.01.31.H29"
    assert parent_identifier("000.01.31.H29") == "000.00.31.H29"
    assert parent_identifier("000.00.31.H29") == "000.00.00.H29"
    assert parent_identifier("000.00.00.H29") is None


@pytest.mark.django_db
def test_model_clean_checks_the_identifier_and_keeps_an_empty_one_as_none():
    agency = Agency(code="X", name="Sở X", kind=Agency.Kind.DEPARTMENT, identifier="H29.31")
    with pytest.raises(ValidationError) as refused:
        agency.full_clean()
    assert "identifier" in refused.value.message_dict
    agency.identifier = ""
    agency.full_clean()
    assert agency.identifier is None


@pytest.mark.django_db
def test_the_admin_refuses_a_malformed_identifier(admin_client):
    data = {"code": "SO.X", "name": "Sở X", "kind": Agency.Kind.DEPARTMENT}
    response = admin_client.post(
        "/quan-tri/agencies/agency/add/", {**data, "identifier": "000.00.31.h29"}
    )
    assert response.status_code == 200
    assert "Mã định danh điện tử phải có dạng" in response.content.decode()
    assert not Agency.objects.filter(code="SO.X").exists()
    response = admin_client.post(
        "/quan-tri/agencies/agency/add/", {**data, "identifier": "000.00.31.H29"}
    )
    assert response.status_code == 302
    assert Agency.objects.get(code="SO.X").identifier == "000.00.31.H29"


@pytest.mark.django_db
def test_identifiers_are_imported_all_or_nothing(tmp_path):
    Agency.objects.create(code="A", name="A", kind=Agency.Kind.PROVINCE)
    Agency.objects.create(code="B", name="B", kind=Agency.Kind.DEPARTMENT)
    good = tmp_path / "ids.csv"
    good.write_text("code,identifier\nA,000.00.00.H30\nB,\n", encoding="utf-8")
    assert load_identifiers(good) == 1
    assert Agency.objects.get(code="A").identifier == "000.00.00.H30"

    bad = tmp_path / "bad.csv"
    bad.write_text("code,identifier\nB,000.00.31.H30\nA,H30\n", encoding="utf-8")
    with pytest.raises(IdentifierError, match="A: H30"):
        load_identifiers(bad)
    assert Agency.objects.get(code="B").identifier is None
