"""The real tờ khai (catalog/data/forms): valid definitions, faithful to the catalogue,
demo data they accept, the rules they carry, and result bodies that render."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Engine, Template

from motcua.catalog import eform, forms_library
from motcua.demo.form_data import sample_decision_data, sample_form_data

pytestmark = pytest.mark.django_db

MOTHER = {
    "name": "Nguyễn Thị Lan",
    "personal_id": "027195001234",
    "birth_date": "1995-04-12",
    "address": "Số 12 đường Nguyễn Trãi, Phường Kinh Bắc, tỉnh Bắc Ninh",
    "phone": "0912345678",
}
FATHER = {
    "name": "Trần Văn Hùng",
    "personal_id": "027090004321",
    "birth_date": "1990-02-01",
    "address": "Thôn Đông, Xã Tiên Du, tỉnh Bắc Ninh",
    "phone": "0987654321",
}
CODES = forms_library.codes()
REQUIRED = [
    "MC.HT.01",
    "MC.HT.02",
    "MC.HT.03",
    "MC.HT.04",
    "MC.HT.05",
    "MC.TP.01",
    "MC.TP.02",
    "MC.CT.01",
    "MC.CT.02",
    "MC.HK.01",
    "MC.GT.01",
    "MC.BH.01",
]


def components_in_catalogue() -> dict[str, list[str]]:
    path = Path(settings.MOTCUA_SHARED_DATA_DIR) / "procedures.csv"
    with path.open(encoding="utf-8") as handle:
        return {row["code"]: row["components"].split("|") for row in csv.DictReader(handle)}


def body_path(code: str) -> Path:
    return (
        Path(forms_library.__file__).resolve().parents[1]
        / "results/templates/results/bodies"
        / f"{code}.html"
    )


def test_every_required_procedure_is_modelled():
    assert set(REQUIRED) <= set(CODES)
    assert forms_library.definition_for("MC.XX.99") is None


def test_definition_for_returns_a_copy():
    first = forms_library.definition_for("MC.HT.01")
    first["title"] = "changed"
    assert forms_library.definition_for("MC.HT.01")["title"] == "Tờ khai đăng ký khai sinh"


@pytest.mark.parametrize("code", CODES)
def test_definition_is_valid_and_names_its_legal_form(code):
    definition = forms_library.definition_for(code)
    eform.validate_definition(definition)  # raises on any problem
    assert definition["format"] == "motcua-eform/2"
    assert any(kind in definition["legal_form"] for kind in ("Thông tư", "Nghị định", "Quyết định"))
    assert eform.json_schema(definition)["type"] == "object"


@pytest.mark.parametrize("code", CODES)
def test_replaces_names_components_of_the_procedure(code):
    components = components_in_catalogue()[code]
    replaced = eform.replaced_components(forms_library.definition_for(code))
    assert set(replaced) <= set(components), (replaced, components)


def test_the_tokhai_scans_are_replaced():
    for code in ("MC.HT.01", "MC.TP.01", "MC.CT.01", "MC.HK.01", "MC.BH.01"):
        assert eform.replaced_components(forms_library.definition_for(code))


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("applicant", [MOTHER, FATHER], ids=["woman", "man"])
def test_sample_data_validates(code, applicant):
    definition = forms_library.definition_for(code)
    for seed in range(8):
        rng = random.Random(seed)
        data = sample_form_data(code, applicant, rng)
        assert eform.validate_data(definition, data, strict=True) == {}, (seed, data)
        decision = sample_decision_data(code, data, rng)
        assert eform.validate_decision(definition, decision) == {}, (seed, decision)


def test_sample_data_for_an_unmodelled_procedure_is_none():
    assert sample_form_data("MC.XD.01", MOTHER, random.Random(1)) is None
    assert sample_decision_data("MC.XD.01", {}, random.Random(1)) is None


def test_sample_dates_follow_the_filing_day():
    on = dt.date(2025, 3, 10)
    data = sample_form_data("MC.HT.01", MOTHER, random.Random(3), on=on)
    born = dt.date.fromisoformat(data["child"]["birth_date"])
    assert on - dt.timedelta(days=60) < born < on
    assert data["mother"]["full_name"] == MOTHER["name"]
    assert data["requester_relation"] == "me"
    as_father = sample_form_data("MC.HT.01", FATHER, random.Random(3), on=on)
    assert as_father["father"]["personal_id"] == FATHER["personal_id"]
    assert as_father["requester_relation"] == "cha"


# --- rules ------------------------------------------------------------------------


def test_khai_sinh_refuses_a_child_born_before_the_mother():
    definition = forms_library.definition_for("MC.HT.01")
    data = sample_form_data("MC.HT.01", MOTHER, random.Random(1))
    data["child"]["birth_date"] = "1990-01-01"
    errors = eform.validate_data(definition, data, strict=True)
    assert "Ngày sinh của trẻ phải sau ngày sinh của người mẹ." in errors["child.birth_date"]


def test_khai_sinh_refuses_a_birth_in_the_future():
    definition = forms_library.definition_for("MC.HT.01")
    data = sample_form_data("MC.HT.01", MOTHER, random.Random(1))
    data["child"]["birth_date"] = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    assert "child.birth_date" in eform.validate_data(definition, data, strict=True)


def test_khai_sinh_father_unknown_drops_the_father_block():
    definition = forms_library.definition_for("MC.HT.01")
    data = sample_form_data("MC.HT.01", MOTHER, random.Random(2))
    data["father_known"] = False
    del data["father"]
    assert eform.validate_data(definition, data, strict=True) == {}
    data["father_known"] = True
    assert "father" in eform.validate_data(definition, data, strict=True)


def test_khai_sinh_decision_leaves_the_personal_id_to_the_system():
    definition = forms_library.definition_for("MC.HT.01")
    decision = {"register_number": "12", "register_book": "01/2026", "registered_on": "2026-01-05"}
    assert eform.validate_decision(definition, decision) == {}
    assert "register_number" in eform.validate_decision(definition, {"register_book": "01"})
    decision["child_personal_id"] = "12345"
    assert "child_personal_id" in eform.validate_decision(definition, decision)
    assert definition["result_data"] == {"registry": "dan_cu", "action": "register_birth"}


def test_lltp_residence_history_requires_only_what_the_form_requires():
    definition = forms_library.definition_for("MC.TP.01")
    data = sample_form_data("MC.TP.01", MOTHER, random.Random(4))
    current = data["residence_history"][-1]
    current.pop("to_date", None)  # "đến nay"
    current.pop("occupation", None)
    current.pop("workplace", None)
    assert eform.validate_data(definition, data, strict=True) == {}
    index = len(data["residence_history"]) - 1
    del current["place"]
    errors = eform.validate_data(definition, data, strict=True)
    assert list(errors) == [f"residence_history.{index}.place"]
    data["residence_history"] = []
    assert "residence_history" in eform.validate_data(definition, data, strict=True)


def test_lltp_period_must_end_after_it_starts():
    definition = forms_library.definition_for("MC.TP.01")
    data = sample_form_data("MC.TP.01", MOTHER, random.Random(4))
    data["residence_history"] = [
        {"from_date": "2015-05-01", "to_date": "2014-01-01", "place": "Phường Kinh Bắc"}
    ]
    errors = eform.validate_data(definition, data, strict=True)
    assert "“Đến ngày” phải sau “Từ ngày”." in errors["residence_history.0.to_date"]


def test_lltp_ban_confirmation_only_for_card_1():
    definition = forms_library.definition_for("MC.TP.01")
    data = sample_form_data("MC.TP.01", MOTHER, random.Random(4))
    data["card_type"] = "so_1"
    data.pop("ban_confirmation", None)
    assert "ban_confirmation" in eform.validate_data(definition, data, strict=True)
    data["card_type"] = "so_2"
    assert eform.validate_data(definition, data, strict=True) == {}
    cleaned = eform.clean_data(definition, {**data, "ban_confirmation": True})
    assert "ban_confirmation" not in cleaned


def test_lltp_decision_lists_convictions_only_when_there_are():
    definition = forms_library.definition_for("MC.TP.01")
    assert eform.validate_decision(definition, {"has_conviction": False, "has_ban": False}) == {}
    errors = eform.validate_decision(definition, {"has_conviction": True, "has_ban": False})
    assert "convictions" in errors


def test_marriage_age_rule():
    definition = forms_library.definition_for("MC.HT.03")
    data = sample_form_data("MC.HT.03", FATHER, random.Random(5))
    data["bride"]["birth_date"] = (dt.date.today() - dt.timedelta(days=365 * 17)).isoformat()
    errors = eform.validate_data(definition, data, strict=True)
    assert any("18 tuổi" in m for m in errors["bride.birth_date"])


def test_residence_host_consent_is_needed_unless_head():
    definition = forms_library.definition_for("MC.CT.01")
    data = sample_form_data("MC.CT.01", MOTHER, random.Random(6))
    data["head_consent"] = False
    assert "head_consent" in eform.validate_data(definition, data, strict=True)
    data["head_relation"] = "chu_ho"
    for key in ("head_name", "head_personal_id", "head_consent"):
        data.pop(key)
    assert eform.validate_data(definition, data, strict=True) == {}


def test_health_insurance_for_a_child_uses_the_child_block():
    definition = forms_library.definition_for("MC.BH.01")
    fields = {f["name"]: f for s in definition["sections"] for f in s["fields"]}
    assert fields["insured_child"]["prefill"] == "child"
    assert fields["insured_self"]["prefill"] == "self"
    data = sample_form_data("MC.BH.01", MOTHER, random.Random(1))
    data["for_whom"] = "con"
    data.pop("insured_self", None)
    data.pop("insured_child", None)
    assert "insured_child" in eform.validate_data(definition, data, strict=True)
    data["insured_child"] = {
        "full_name": "Trần Bảo An",
        "birth_date": (dt.date.today() - dt.timedelta(days=400)).isoformat(),
        "sex": "nam",
        "personal_id": "027224000123",
    }
    assert eform.validate_data(definition, data, strict=True) == {}


# --- result bodies ----------------------------------------------------------------


RECORDED = {
    "MC.HT.01": ("register_number", "register_book"),
    "MC.HT.02": ("register_number", "register_book"),
    "MC.HT.03": ("register_number", "register_book"),
    "MC.HT.04": ("register_number", "register_book", "copies_issued"),
    "MC.HK.01": ("business_code",),
    "MC.TP.02": ("certification_book", "copies_certified"),
    "MC.GT.01": ("new_licence_number", "new_class"),
    "MC.BH.01": ("card_number", "facility"),
    "MC.CT.01": ("head_after",),
}


def render_body(code: str, data: dict, decision: dict) -> str:
    template = Template(body_path(code).read_text(encoding="utf-8"), engine=Engine.get_default())
    context = {
        "data": data,
        "decision": decision,
        "applicant": {
            "name": MOTHER["name"],
            "identifier": MOTHER["personal_id"],
            "kind": "person",
        },
        "dossier": {"code": "BN.KINHBAC-260105-0001"},
        "agency": {"name": "Ủy ban nhân dân phường Kinh Bắc"},
        "number": "12/2026",
        "issued_on": dt.date(2026, 1, 5),
        "place": "Bắc Ninh",
        "procedure": {"code": code},
        "version": {"name": code},
    }
    return template.render(Context(context, autoescape=True))


@pytest.mark.parametrize("code", CODES)
def test_result_body_renders_the_data(code):
    rng = random.Random(7)
    data = sample_form_data(code, MOTHER, rng)
    decision = sample_decision_data(code, data, rng)
    html = render_body(code, data, decision)
    assert "{{" not in html and "{%" not in html
    definition = forms_library.definition_for(code)
    people = [
        data[f["name"]]["full_name"]
        for s in definition["sections"]
        for f in s["fields"]
        if f["type"] == "person" and f["name"] in data
    ]
    assert people[0].upper() in html.upper()  # the person the result is about
    for key in RECORDED.get(code, ()):
        assert str(decision[key]) in html, key  # what the officer recorded is on the result


def test_birth_certificate_body():
    data = sample_form_data("MC.HT.01", MOTHER, random.Random(1), on=dt.date(2026, 3, 20))
    data["child"]["birth_date"] = "2026-03-05"
    decision = {
        "register_number": "125",
        "register_book": "01/2026",
        "registered_on": "2026-03-20",
        "child_personal_id": "027226000123",
    }
    html = render_body("MC.HT.01", data, decision)
    assert data["child"]["full_name"].upper() in html
    assert "05/03/2026" in html
    assert "ngày mồng năm tháng ba năm hai nghìn không trăm hai mươi sáu" in html.lower()
    assert "027226000123" in html and "125" in html and "01/2026" in html
    assert data["father"]["full_name"].upper() in html


def test_criminal_record_body_branches_on_the_card():
    data = sample_form_data("MC.TP.01", MOTHER, random.Random(9))
    data["card_type"] = "so_1"
    data["ban_confirmation"] = False
    clean = {"has_conviction": False, "has_ban": False}
    html = render_body("MC.TP.01", data, clean)
    assert "Không có án tích" in html
    assert data["father"]["full_name"] not in html  # card 1 does not name the parents
    conviction = {
        "judgment": "45/2019/HS-ST",
        "judgment_date": "2019-06-10",
        "court": "Tòa án nhân dân huyện Tiên Du",
        "crime": "Trộm cắp tài sản (khoản 1 Điều 173 Bộ luật Hình sự)",
        "sentence": "09 tháng tù cho hưởng án treo",
        "status": "da_xoa",
    }
    decided = {"has_conviction": True, "convictions": [conviction], "has_ban": False}
    html = render_body("MC.TP.01", data, decided)
    assert "45/2019/HS-ST" not in html  # a cleared conviction is not on card 1
    assert "Không có án tích" in html
    data["card_type"] = "so_2"
    del data["ban_confirmation"]
    html = render_body("MC.TP.01", data, decided)
    assert "45/2019/HS-ST" in html and "Trộm cắp tài sản" in html
    assert data["father"]["full_name"] in html


# --- the catalogue import -----------------------------------------------------------


def test_import_gives_new_versions_the_modelled_form():
    from motcua.catalog.formschema import default_schema
    from motcua.catalog.importing import import_procedures
    from motcua.catalog.models import Procedure, ProcedureVersion

    path = Path(settings.MOTCUA_SHARED_DATA_DIR) / "procedures.csv"
    import_procedures(path)
    birth = Procedure.objects.get(code="MC.HT.01").current_version
    assert birth.form_schema == forms_library.definition_for("MC.HT.01")
    other = Procedure.objects.get(code="MC.XD.01").current_version
    assert other.form_schema == default_schema(other.data_sources)
    # A catalogue published before the library: its generic version stays as it was,
    # the next import publishes a new version with the real form.
    ProcedureVersion.objects.filter(pk=birth.pk).update(
        form_schema=default_schema(birth.data_sources)
    )
    report = import_procedures(path)
    assert "MC.HT.01" in report.new_versions
    birth.refresh_from_db()
    assert birth.form_schema == default_schema(birth.data_sources)
    assert birth.status == ProcedureVersion.Status.SUPERSEDED
    current = Procedure.objects.get(code="MC.HT.01").current_version
    assert current.number == birth.number + 1
    assert current.form_schema == forms_library.definition_for("MC.HT.01")
    assert "MC.HT.01" in import_procedures(path).unchanged


def test_numbers_and_dates_in_words():
    from motcua.catalog.templatetags.vn_words import date_words, number_words

    assert number_words(2026) == "hai nghìn không trăm hai mươi sáu"
    assert number_words(150_000_000) == "một trăm năm mươi triệu"
    assert number_words(2_500_000_000) == "hai tỷ năm trăm triệu"
    assert number_words(1_234_521) == "một triệu hai trăm ba mươi tư nghìn năm trăm hai mươi mốt"
    assert number_words(105) == "một trăm linh năm"
    assert number_words("abc") == ""
    assert date_words("2026-03-05") == (
        "ngày mồng năm tháng ba năm hai nghìn không trăm hai mươi sáu"
    )
    assert date_words("2024-04-15") == "ngày mười lăm tháng tư năm hai nghìn không trăm hai mươi tư"
    assert date_words("") == ""
