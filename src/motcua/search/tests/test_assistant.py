"""The assistant as people actually write to it: long, unaccented, rambling."""

import pytest

from motcua.catalog.models import Procedure
from motcua.search import services
from motcua.search.assistant import answer
from motcua.search.models import AssistantQuestion, LexiconEntry, Situation


def codes(reply):
    return [step["code"] for step in reply["plan"]]


def test_unaccented_birth_story_gets_the_birth_plan_with_khai_sinh_first(catalogue):
    reply = answer("vo e vua de thang cu o bv huyen, gio can lam giay to gi cho chau a")
    assert reply["kind"] == "plan"
    assert reply["situation"]["slug"] == "sinh-con"
    assert codes(reply)[:3] == ["MC.HT.01", "MC.CT.01", "MC.HT.09"]
    first = reply["plan"][0]
    assert first["why"] and first["produces"] == "Giấy khai sinh và số định danh cá nhân của trẻ"
    assert first["apply_url"].endswith("/thu-tuc/MC.HT.01/nop-ho-so/")
    assert 0 < reply["confidence"] <= 1 and all(0 < s["confidence"] <= 1 for s in reply["plan"])


def test_de_lai_a_grandchild_is_not_giving_birth(catalogue):
    reply = answer("ong ba noi mat som, de lai dua chau cho toi nuoi, toi muon lam giam ho")
    assert "MC.HT.01" not in codes(reply)
    assert "MC.HT.08" in codes(reply)


def test_import_duty_is_not_joining_a_household_register(catalogue):
    reply = answer("cong ty em xuat hang sang my, ben kia hoi ve thue nhap khau uu dai")
    assert codes(reply)[0] == "MC.TM.02"
    assert "MC.CT.01" not in codes(reply)


@pytest.mark.parametrize("greeting", ["chào bạn", "xin chao", "Hello!", "alo alo", "cảm ơn nhé"])
def test_greetings_get_a_greeting(catalogue, greeting):
    reply = answer(greeting)
    assert reply["kind"] == "greeting" and not reply["plan"]


def test_a_greeting_before_a_question_answers_the_question(catalogue):
    reply = answer("alo, cho hoi lam sao de lam lai can cuoc")
    assert reply["kind"] == "plan" and codes(reply)[0] == "MC.CC.01"


@pytest.mark.parametrize(
    "question", ["gia vang sjc hom nay", "dự báo thời tiết ngày mai", "kết quả bóng đá"]
)
def test_questions_outside_public_services_are_declined_politely(catalogue, question):
    reply = answer(question)
    assert reply["kind"] == "out_of_scope"
    assert reply["message"].startswith("Tôi chưa thể giúp việc này")
    assert not reply["plan"] and not reply["alternatives"]


def test_a_long_message_is_read_to_the_end(catalogue):
    story = "em o que lam ruong, nam ngoai di lam cong ty may o binh duong duoc ba nam, " * 5
    question = story + "nay cong ty cat giam nen em bi cho nghi viec, muon nhan tro cap that nghiep"
    assert len(question) > 400
    reply = answer(question)
    assert reply["question"] == question
    assert reply["kind"] == "plan" and codes(reply)[0] == "MC.LD.02"


def test_a_message_is_capped_at_two_thousand_characters(catalogue):
    reply = answer("xin cấp hộ chiếu " * 300)
    assert len(reply["question"]) == 2000
    assert codes(reply)[0] == "MC.XC.01"


def test_below_the_threshold_the_assistant_says_it_did_not_understand(catalogue):
    reply = answer("qwrt zzkp mnbv")
    assert reply["kind"] == "not_understood"
    assert reply["confidence"] < 0.2
    assert "diễn đạt lại" in reply["message"] and "cán bộ" in reply["message"]
    assert {"slug": "sinh-con", "name": "Sinh con"}.items() <= reply["situations"][0].items()


def test_a_single_need_is_a_one_step_plan_with_details(catalogue):
    reply = answer("hoan thue tncn")
    assert reply["kind"] == "plan" and reply["situation"] is None
    assert codes(reply) == ["MC.TH.02"]
    assert reply["procedures"][0]["documents"]


def test_an_inactive_situation_is_not_proposed(catalogue):
    Situation.objects.filter(slug="sinh-con").update(active=False)
    reply = answer("vo e vua de thang cu o bv huyen")
    assert (reply["situation"] or {}).get("slug") != "sinh-con"


def test_an_officer_attaching_a_procedure_improves_the_next_answer(catalogue):
    question_text = "ong xa hoi chuyen cai giay do cho nguoi lam an buon chuyen hang nuoc ngoai"
    before = answer(question_text)
    assert "MC.TM.02" not in codes(before)[:1]
    question = services.record_question(question_text, before)
    services.attach(question, procedure=Procedure.objects.get(code="MC.TM.02"))
    entry = LexiconEntry.objects.get(note__contains="[MC.TM.02]")
    assert "nuoc ngoai" in entry.phrase
    after = answer(
        "cho hỏi ông xã hỏi chuyện cái giấy đó cho người làm ăn buôn chuyến hàng nước ngoài"
    )
    assert codes(after)[0] == "MC.TM.02"
    question.refresh_from_db()
    assert question.learned and question.resolved_procedure.code == "MC.TM.02"


def test_an_officer_attaching_a_situation_adds_the_question_as_its_phrase(catalogue):
    question = AssistantQuestion.objects.create(text="nha toi vua co them mot thanh vien", kind="x")
    assert (answer(question.text)["situation"] or {}).get("slug") != "sinh-con"
    services.attach(question, situation=Situation.objects.get(slug="sinh-con"))
    assert "them mot thanh vien" in Situation.objects.get(slug="sinh-con").phrases
    assert answer("nhà tôi vừa có thêm một thành viên")["situation"]["slug"] == "sinh-con"


def test_personal_numbers_are_masked_when_a_question_is_kept(catalogue):
    text = "toi so cccd 001 234 567 890, sdt 0912345678, muon lam ho chieu"
    kept = services.record_question(text, answer(text))
    assert "001 234 567 890" not in kept.text and "0912345678" not in kept.text
    assert "ho chieu" in kept.text


def test_a_procedure_named_inside_a_situation_comes_first(catalogue):
    # "sinh" tells the birth situation, but the question is about maternity pay.
    reply = answer("vo toi vua sinh, muon hoi ve huong che do thai san")
    assert reply["kind"] == "plan" and reply["situation"]["slug"] == "sinh-con"
    assert codes(reply)[0] == "MC.BH.03"
    assert "MC.HT.01" in codes(reply)


def test_a_procedure_named_outside_a_weak_situation_is_not_lost(catalogue):
    reply = answer("ong ba muon lam giam ho cho chau vi bo me chau di lam an xa")
    assert codes(reply)[0] == "MC.HT.08"


@pytest.mark.parametrize(
    "question", ["ngay mai di choi dau cho vui", "con cho nha toi ten la gi", "hat cho toi nghe"]
)
def test_a_message_without_a_public_service_word_gets_no_procedure(catalogue, question):
    reply = answer(question)
    assert reply["kind"] in {"not_understood", "out_of_scope", "greeting"}
    assert not reply["plan"] and not reply["alternatives"]


def test_one_stray_service_word_does_not_override_an_off_topic_cue(catalogue):
    reply = answer("mua vay cuoi o dau re")
    assert reply["kind"] == "out_of_scope" and not reply["plan"]


def test_domain_terms_come_from_the_catalogue_lexicon_and_situations(catalogue):
    from motcua.search.assistant import domain_terms

    assert "khai sinh" in domain_terms("lam giay khai sinh".split())  # catalogue
    assert "so do" in domain_terms("mat so do".split())  # lexicon
    assert "karaoke" in domain_terms("mo karaoke".split())  # a situation's single word
    assert domain_terms("o dau".split()) == []  # two function words
    assert domain_terms("gia vang hom nay".split()) == []


def test_a_step_the_message_names_leads_its_situation_plan(catalogue):
    # "karaoke" makes the karaoke situation; the licence the message names comes first.
    reply = answer("giay phep kinh doanh karaoke can dieu kien phong hat the nao")
    assert reply["kind"] == "plan"
    assert codes(reply)[0] == "MC.VH.01"
    assert "MC.HK.01" in codes(reply)


def test_a_distinctive_name_word_breaks_a_near_tie(catalogue):
    # "thế chấp" is only in the mortgage registration's name.
    reply = answer("dang ky the chap so do de vay von ngan hang")
    assert codes(reply)[0] == "MC.DD.05"
