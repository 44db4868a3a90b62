import pytest
from django.urls import reverse


def test_search_box_is_on_every_page(catalogue, client):
    for url in (reverse("portal:home"), reverse("portal:procedure", args=["MC.HT.01"])):
        assert f'action="{reverse("portal:search")}"' in client.get(url).content.decode()


def test_search_page_lists_the_matching_procedure(catalogue, client):
    page = client.get(reverse("portal:search"), {"q": "lam so do"}).content.decode()
    assert "Đăng ký cấp Giấy chứng nhận quyền sử dụng đất lần đầu" in page


def test_search_page_says_nothing_found_and_suggests(catalogue, client):
    page = client.get(reverse("portal:search"), {"q": "xqzv wpfk"}).content.decode()
    assert "Không tìm thấy thủ tục phù hợp" in page
    assert "Thủ tục được quan tâm nhiều" in page


def test_search_page_level_filter(catalogue, client):
    page = client.get(
        reverse("portal:search"), {"q": "giấy phép xây dựng", "cap": "commune"}
    ).content.decode()
    assert "Cấp giấy phép xây dựng nhà ở riêng lẻ" in page
    assert "công trình cấp II, cấp III" not in page


def test_home_page_uses_the_search_when_q_is_given(catalogue, client):
    page = client.get(reverse("portal:home"), {"q": "cccd"}).content.decode()
    assert "Cấp thẻ căn cước cho công dân từ đủ 14 tuổi" in page


def test_assistant_answers_one_procedure_with_documents_fee_time_and_apply_button(
    catalogue, client
):
    page = client.get(reverse("portal:assistant"), {"q": "đăng ký nhãn hiệu"})
    html = page.content.decode()
    assert "Đăng ký nhãn hiệu" in html
    assert "Thời hạn giải quyết" in html and "Nơi nộp hồ sơ" in html
    assert reverse("portal:apply", args=["MC.KH.01"]) in html
    assert "Nộp hồ sơ" in html


def test_assistant_page_shows_a_situation_as_an_ordered_plan(catalogue, client):
    html = client.get(reverse("portal:assistant"), {"q": "vợ tôi vừa sinh con"}).content.decode()
    assert html.index("Đăng ký khai sinh") < html.index("Đăng ký thường trú")
    assert "Vì sao cần" in html and "Giấy khai sinh và số định danh cá nhân của trẻ" in html
    assert reverse("portal:apply", args=["MC.HT.01"]) in html


def test_assistant_offers_alternatives_when_two_are_close(catalogue, client):
    reply = client.get(reverse("portal:assistant_api"), {"q": "giấy phép"}).json()
    assert reply["kind"] == "alternatives"
    assert len(reply["alternatives"]) >= 2
    assert all(0 <= a["confidence"] <= 1 for a in reply["alternatives"])


def test_assistant_api_returns_the_plan_as_json(catalogue, client):
    reply = client.get(reverse("portal:assistant_api"), {"q": "con tôi mới sinh thì phải làm gì?"})
    data = reply.json()
    assert data["kind"] == "plan" and data["situation"]["slug"] == "sinh-con"
    assert data["plan"][0]["code"] == "MC.HT.01"
    assert data["plan"][0]["apply_url"] == reverse("portal:apply", args=["MC.HT.01"])


@pytest.mark.parametrize("q", ["", "xqzv wpfk"])
def test_assistant_without_a_match_offers_three_ways_forward(catalogue, client, q):
    data = client.get(reverse("portal:assistant_api"), {"q": q}).json()
    assert data["kind"] == "not_understood"
    assert data["suggestions"] and data["situations"]


def test_citizen_rates_an_answer_and_sends_a_question_to_an_officer(catalogue, client):
    from motcua.search.models import AssistantQuestion

    page = client.get(reverse("portal:assistant"), {"q": "xqzv wpfk 001234567890"})
    assert "Gửi câu hỏi cho cán bộ" in page.content.decode()
    question = AssistantQuestion.objects.get()
    assert "001234567890" not in question.text and question.kind == "not_understood"
    url = reverse("portal:assistant_feedback", args=[question.public_id])
    client.post(url, {"y_kien": "gui_can_bo"})
    response = client.post(url, {"y_kien": "khong_co_ich"}, follow=True)
    assert "Cán bộ sẽ xem lại câu hỏi này" in response.content.decode()
    question.refresh_from_db()
    assert question.referred and question.helpful is False


def test_a_citizen_cannot_rate_someone_elses_question(catalogue, client):
    from motcua.search.models import AssistantQuestion

    other = AssistantQuestion.objects.create(text="hỏi", kind="plan")
    url = reverse("portal:assistant_feedback", args=[other.public_id])
    assert client.post(url, {"y_kien": "co_ich"}).status_code == 404
    other.refresh_from_db()
    assert other.helpful is None


def test_a_follow_up_is_read_with_the_previous_question(catalogue, client):
    data = client.get(
        reverse("portal:assistant"), {"truoc": "vợ tôi vừa sinh con", "q": "còn gì nữa không"}
    ).context["reply"]
    assert data["kind"] == "plan" and data["situation"]["slug"] == "sinh-con"


def test_browsing_by_life_event_shows_that_situations_plan(catalogue, client):
    html = client.get(reverse("portal:assistant")).content.decode()
    assert "Người thân qua đời" in html
    data = client.get(reverse("portal:assistant_api"), {"tinh_huong": "nguoi-than-mat"}).json()
    assert [s["code"] for s in data["plan"]][:3] == ["MC.HT.02", "MC.CT.04", "MC.HT.10"]
