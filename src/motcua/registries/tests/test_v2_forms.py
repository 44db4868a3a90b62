"""Prefill and verification of v2 definitions, and results written back, over real HTTP."""

import pytest

from motcua.registries import services, writes
from motcua.registries.models import LookupLog
from motcua.registries.subjects import sourced_fields
from motcua.registrysim import services as sim
from motcua.registrysim.models import Person, Registration
from tests.factories import ApplicantFactory, UserFactory
from tests.fixtures import registry_family

MOTHER, FATHER, GRANDMA = "027192001111", "027090002222", "027165003333"
BAC_NINH = {"province": "Tỉnh Bắc Ninh", "commune": "Phường Kinh Bắc", "detail": "Số 5 Lý Bôn"}

BIRTH_FORM = {
    "format": "motcua-eform/2",
    "title": "Tờ khai đăng ký khai sinh",
    "sections": [
        {
            "key": "requester",
            "title": "Người yêu cầu",
            "fields": [
                {
                    "name": "requester_name",
                    "label": "Họ và tên",
                    "type": "text",
                    "source": "dan_cu.full_name",
                },
                {"name": "phone", "label": "Số điện thoại", "type": "phone", "source": "eid.phone"},
                {"name": "email", "label": "Thư điện tử", "type": "email", "source": "eid.email"},
            ],
        },
        {
            "key": "child",
            "title": "Người được khai sinh",
            "fields": [
                {
                    "name": "child",
                    "label": "Trẻ",
                    "type": "person",
                    "parts": ["full_name", "birth_date", "sex"],
                }
            ],
        },
        {
            "key": "parents",
            "title": "Cha, mẹ",
            "fields": [
                {"name": "mother", "label": "Người mẹ", "type": "person", "prefill": "self"},
                {
                    "name": "father",
                    "label": "Người cha",
                    "type": "person",
                    "prefill": "spouse",
                    "parts": ["full_name", "birth_date", "personal_id", "residence"],
                },
                {
                    "name": "grandmother",
                    "label": "Bà ngoại",
                    "type": "person",
                    "prefill": "mother",
                    "parts": ["full_name"],
                },
            ],
        },
    ],
}
INSURANCE_FORM = {
    "format": "motcua-eform/2",
    "title": "Tờ khai tham gia BHYT",
    "sections": [
        {
            "key": "insured",
            "title": "Người tham gia",
            "fields": [
                {
                    "name": "insured",
                    "label": "Người được cấp thẻ",
                    "type": "person",
                    "prefill": "child",
                },
            ],
        },
    ],
}


@pytest.fixture
def family(registry_server):
    """A married woman (household head's wife) with her husband and her mother."""
    registry_family(
        wife=(MOTHER, "Nguyễn Thị Hoa", "1992-05-17"),
        husband=(FATHER, "Trần Văn Nam", "1990-03-04"),
        grandma=(GRANDMA, "Lê Thị Mận", "1965-02-01"),
        household_id="HK27-0001",
        residence=BAC_NINH,
        address="Số 5",
    )
    user = UserFactory(personal_id=MOTHER, phone="0912345678", email="hoa@example.vn")
    return ApplicantFactory(personal_id=MOTHER, user=user)


def test_sourced_fields_reads_the_top_level_fields_of_every_section():
    groups = sourced_fields(BIRTH_FORM)

    assert [(f["name"], attr) for f, attr in groups["dan_cu"]] == [("requester_name", "full_name")]
    assert set(groups) == {"dan_cu"}  # eid.* is not a registry


def test_person_blocks_prefill_from_the_relations_and_eid_contacts_stay_unlocked(family):
    prefill = services.prefill_form(BIRTH_FORM, family)

    assert prefill.values["mother"] == {
        "full_name": "Nguyễn Thị Hoa",
        "birth_date": "1992-05-17",
        "sex": "nu",
        "personal_id": MOTHER,
        "ethnicity": "Kinh",
        "nationality": "Việt Nam",
        "residence": BAC_NINH,
    }
    assert prefill.values["father"] == {
        "full_name": "Trần Văn Nam",
        "birth_date": "1990-03-04",
        "personal_id": FATHER,
        "residence": BAC_NINH,
    }
    assert prefill.values["grandmother"] == {"full_name": "Lê Thị Mận"}
    assert "child" not in prefill.values  # no prefill asked
    assert prefill.values["phone"] == "0912345678"
    assert prefill.values["email"] == "hoa@example.vn"
    assert prefill.sources["mother.full_name"] == "dan_cu"
    assert prefill.sources["father.residence"] == "dan_cu"
    assert prefill.sources["requester_name"] == "dan_cu"
    assert "phone" not in prefill.sources and "email" not in prefill.sources
    assert "father.sex" not in prefill.sources  # not one of the block's parts
    # One lookup of the population registry serves every block.
    log = LookupLog.objects.get()
    assert "relations.spouse.full_name" in log.attributes


def test_a_relation_the_registry_does_not_know_is_reported_and_left_empty(family):
    prefill = services.prefill_form(INSURANCE_FORM, family)

    assert prefill.values == {} and prefill.sources == {}
    assert "con" in prefill.missing["insured"]


def test_registry_down_leaves_blocks_for_the_citizen_but_eid_contacts_are_filled(family):
    sim.set_mode("dan_cu", "down")

    prefill = services.prefill_form(BIRTH_FORM, family)

    assert prefill.sources == {}
    assert prefill.values == {"phone": "0912345678", "email": "hoa@example.vn"}
    assert "dan_cu" in prefill.unavailable


def test_verify_names_a_changed_locked_part_of_a_person_block(family):
    prefill = services.prefill_form(BIRTH_FORM, family)
    submitted = {**prefill.values, "phone": "0987654321"}  # unlocked: may change
    submitted["mother"] = {**prefill.values["mother"], "full_name": "Nguyễn  Thị Hoa"}
    assert services.verify_prefilled(BIRTH_FORM, family, submitted, prefill.sources) == {}

    submitted["father"] = {**prefill.values["father"], "birth_date": "1991-03-04"}
    submitted["mother"] = {
        **prefill.values["mother"],
        "residence": {**BAC_NINH, "commune": "Xã Tiên Du"},
    }
    errors = services.verify_prefilled(BIRTH_FORM, family, submitted, prefill.sources)

    assert set(errors) == {"father.birth_date", "mother.residence"}
    assert "Người cha: Ngày, tháng, năm sinh" in errors["father.birth_date"]
    assert "không sửa được" in errors["mother.residence"]


def test_birth_written_back_makes_the_child_prefillable(family):
    form_data = {
        "child": {"full_name": "Trần Minh An", "birth_date": "2025-12-01", "sex": "nam"},
        "mother": {"full_name": "Nguyễn Thị Hoa", "personal_id": MOTHER},
        "father": {"full_name": "Trần Văn Nam", "personal_id": FATHER},
    }
    payload = writes.result_payload(
        "register_birth", form_data, {"register_number": "15", "registered_on": "2025-12-05"}
    )
    assert payload["child"] == form_data["child"]
    assert (payload["mother_personal_id"], payload["father_personal_id"]) == (MOTHER, FATHER)
    before = services.prefill_form(INSURANCE_FORM, family)  # caches the mother's record
    assert before.values == {}

    result = writes.register_result("register_birth", "H27.1-251205-0001", payload)
    again = writes.register_result("register_birth", "H27.1-251205-0001", payload)

    assert again == result
    child = Person.objects.get(personal_id=result["personal_id"])
    assert (child.mother_id, child.father_id, child.household_id) == (MOTHER, FATHER, "HK27-0001")
    assert result["personal_id"].startswith("027225")
    assert Registration.objects.count() == 1
    logs = LookupLog.objects.filter(purpose="register:register_birth")
    assert [log.outcome for log in logs] == ["written", "written"]
    assert logs[0].dossier_ref == "H27.1-251205-0001"
    prefill = services.prefill_form(INSURANCE_FORM, family)
    assert prefill.values["insured"]["full_name"] == "Trần Minh An"
    assert prefill.values["insured"]["personal_id"] == result["personal_id"]
    assert prefill.values["insured"]["residence"] == BAC_NINH
    assert prefill.sources["insured.personal_id"] == "dan_cu"


def test_household_business_written_back_returns_its_code(family):
    payload = writes.result_payload(
        "register_household_business",
        {
            "business_name": "Hộ kinh doanh Tạp hóa Hoa",
            "owner": {"full_name": "Nguyễn Thị Hoa", "personal_id": MOTHER},
            "business_address": BAC_NINH,
            "capital": 80_000_000,
        },
        {},
    )

    result = writes.register_result("register_household_business", "HKD-0001", payload)

    assert len(result["business_code"]) == 10
    assert sim.Business.objects.get(tax_code=result["business_code"]).charter_capital_vnd == (
        80_000_000
    )


def test_a_registry_that_does_not_answer_gives_a_vietnamese_error(family):
    sim.set_mode("dan_cu", "down")
    payload = {"personal_id": GRANDMA, "date_of_death": "2025-10-01"}

    with pytest.raises(writes.RegistryWriteError) as caught:
        writes.register_result("register_death", "KT-0001", payload)

    assert caught.value.retryable is True
    assert caught.value.message.startswith("Không kết nối được CSDL quốc gia về dân cư")
    assert Person.objects.get(personal_id=GRANDMA).deceased_on is None
    assert LookupLog.objects.get().outcome == "unavailable"


def test_refused_data_is_not_retried_and_says_why(family):
    payload = {"personal_id": "027165009999", "date_of_death": "2025-10-01"}

    with pytest.raises(writes.RegistryWriteError) as caught:
        writes.register_result("register_death", "KT-0002", payload)

    assert caught.value.retryable is False
    assert "Không có người chết" in caught.value.message
    log = LookupLog.objects.get()
    assert (log.outcome, log.http_status) == ("rejected", 400)
    assert "027165009999" not in log.detail  # masked


COUPLE_FORM = {
    "format": "motcua-eform/2",
    "title": "Tờ khai đăng ký khai sinh",
    "sections": [
        {
            "key": "parents",
            "title": "Cha, mẹ",
            "fields": [
                {"name": "mother", "label": "Người mẹ", "type": "person", "prefill": "wife"},
                {"name": "father", "label": "Người cha", "type": "person", "prefill": "husband"},
            ],
        },
    ],
}


@pytest.mark.parametrize("who", ["mother", "father"])
def test_wife_and_husband_blocks_are_the_couple_whoever_of_the_two_files(family, who):
    applicant = family
    if who == "father":
        applicant = ApplicantFactory(personal_id=FATHER, user=UserFactory(personal_id=FATHER))

    prefill = services.prefill_form(COUPLE_FORM, applicant)

    assert prefill.values["mother"]["personal_id"] == MOTHER
    assert prefill.values["father"]["personal_id"] == FATHER
    assert prefill.sources["mother.full_name"] == prefill.sources["father.full_name"] == "dan_cu"
    assert services.verify_prefilled(COUPLE_FORM, applicant, prefill.values, prefill.sources) == {}


def test_a_prefilled_block_the_answers_hide_is_not_checked(family):
    """The father was prefilled from the spouse, then the mother answers that the father
    is not declared: the hidden block's values are dropped, not tampered with."""
    form = {
        "format": "motcua-eform/2",
        "title": "Tờ khai",
        "sections": [
            {
                "key": "parents",
                "title": "Cha, mẹ",
                "fields": [
                    {"name": "mother", "label": "Người mẹ", "type": "person", "prefill": "wife"},
                    {"name": "father_known", "label": "Có thông tin người cha", "type": "yesno"},
                    {
                        "name": "father",
                        "label": "Người cha",
                        "type": "person",
                        "prefill": "husband",
                        "when": {"field": "father_known", "equals": True},
                    },
                ],
            }
        ],
    }
    prefill = services.prefill_form(form, family)
    assert prefill.sources["father.full_name"] == "dan_cu"

    hidden = {"mother": prefill.values["mother"], "father_known": False}
    assert services.verify_prefilled(form, family, hidden, prefill.sources) == {}
    # Shown again, the block must carry the registry's values.
    shown = {**hidden, "father_known": True, "father": {"full_name": "Người khác"}}
    assert "father.full_name" in services.verify_prefilled(form, family, shown, prefill.sources)


BIRTH_DATA = {
    "child": {"full_name": "Trần Minh An", "birth_date": "2025-12-01", "sex": "nam"},
    "mother": {"full_name": "Nguyễn Thị Hoa", "birth_date": "1992-05-17", "personal_id": MOTHER},
    "father": {"full_name": "Trần Văn Nam", "personal_id": FATHER},
}


def test_a_corrected_birth_amends_the_child_and_book_and_page_reach_the_registry(family):
    decision = {"register_number": "15", "register_book": "01/2025", "register_page": 7}
    payload = writes.result_payload("register_birth", BIRTH_DATA, decision)
    assert (payload["mother_full_name"], payload["mother_birth_date"]) == (
        "Nguyễn Thị Hoa",
        "1992-05-17",
    )
    assert (payload["father_full_name"], payload["book"], payload["page"]) == (
        "Trần Văn Nam",
        "01/2025",
        7,
    )
    first = writes.register_result("register_birth", "H27.1-251205-0009", payload)
    corrected = {**BIRTH_DATA, "child": {**BIRTH_DATA["child"], "full_name": "Trần Minh Ân"}}

    amended = writes.register_result(
        "register_birth",
        "H27.1-251205-0009",
        writes.result_payload("register_birth", corrected, {**decision, "register_page": 8}),
    )

    assert amended["personal_id"] == first["personal_id"] and amended["amended"] is True
    child = Person.objects.get(personal_id=first["personal_id"])
    assert child.full_name == "Trần Minh Ân"
    assert Person.objects.filter(mother_id=MOTHER).count() == 1
    registration = Registration.objects.get()
    assert (registration.payload["book"], registration.payload["page"]) == ("01/2025", 8)
    assert registration.amendments == 1
    logs = LookupLog.objects.filter(purpose="register:register_birth").order_by("id")
    assert [log.detail for log in logs] == ["created", "amended"]


def test_a_deceased_whose_name_does_not_match_the_id_is_refused_and_nothing_written(family):
    form_data = {
        "deceased": {"full_name": "Lê Văn Mận", "birth_date": "1965-02-01", "personal_id": GRANDMA},
        "death_date": "2025-10-01",
    }
    payload = writes.result_payload("register_death", form_data, {})
    assert payload["full_name"] == "Lê Văn Mận" and payload["birth_date"] == "1965-02-01"

    with pytest.raises(writes.RegistryWriteError) as caught:
        writes.register_result("register_death", "KT-0009", payload)

    assert caught.value.retryable is False
    assert caught.value.message == (
        "CSDL quốc gia về dân cư không nhận kết quả: Số định danh cá nhân "
        f"{GRANDMA} của người chết không khớp với họ tên/ngày sinh trong CSDL quốc gia "
        "về dân cư."
    )
    assert Person.objects.get(personal_id=GRANDMA).deceased_on is None
    assert not Registration.objects.exists()
    log = LookupLog.objects.get()
    assert (log.outcome, log.http_status) == ("rejected", 422)
    assert GRANDMA not in log.detail


def test_the_marriage_form_names_the_pair_groom_and_bride(family):
    groom = sim.upsert_person(
        personal_id="027095005555", full_name="Phạm Văn An", birth_date="1995-01-01", gender="nam"
    )
    bride = sim.upsert_person(
        personal_id="027197006666", full_name="Đỗ Thị Lan", birth_date="1997-01-01", gender="nu"
    )
    form_data = {
        "groom": {"full_name": "Phạm Văn An", "personal_id": groom.personal_id},
        "bride": {
            "full_name": "Đỗ Thị Lan",
            "birth_date": "1997-01-01",
            "personal_id": bride.personal_id,
        },
    }

    payload = writes.result_payload("register_marriage", form_data, {"register_book": "02"})
    result = writes.register_result("register_marriage", "KH-0009", payload)

    assert result["husband_personal_id"] == groom.personal_id
    assert Person.objects.get(pk=bride.pk).spouse_id == groom.personal_id
    assert Registration.objects.get().payload["book"] == "02"
