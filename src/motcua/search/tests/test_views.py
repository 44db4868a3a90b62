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


def test_assistant_answers_with_documents_fee_time_and_link(catalogue, client):
    page = client.get(reverse("portal:assistant"), {"q": "lấy vợ cần giấy tờ gì"})
    html = page.content.decode()
    assert "Tờ khai đăng ký kết hôn" in html
    assert "Thời hạn giải quyết" in html and "Nơi nộp hồ sơ" in html
    assert reverse("portal:procedure", args=["MC.HT.03"]) in html
    assert "Nộp hồ sơ trực tuyến" in html


def test_assistant_asks_which_one_when_two_are_close(catalogue, client):
    reply = client.get(reverse("portal:assistant_api"), {"q": "bằng lái xe"}).json()
    assert reply["kind"] == "clarify"
    assert len(reply["options"]) == 2


def test_assistant_api_returns_the_answer_as_json(catalogue, client):
    reply = client.get(reverse("portal:assistant_api"), {"q": "con tôi mới sinh thì phải làm gì?"})
    data = reply.json()
    assert data["kind"] == "answer"
    assert data["procedures"][0]["code"] == "MC.HT.01"
    assert "Giấy chứng sinh" in data["procedures"][0]["documents"]
    assert data["procedures"][0]["online_fee_vnd"] == 0


@pytest.mark.parametrize("q", ["", "xqzv wpfk"])
def test_assistant_without_a_match_suggests_popular_procedures(catalogue, client, q):
    data = client.get(reverse("portal:assistant_api"), {"q": q}).json()
    assert data["kind"] == "not_found" and data["suggestions"]
