"""The assistant in a real browser at phone width: a situation, a follow-up, an out-of-scope
question and the citizen's rating, every page checked with axe-core."""

import pytest
from django.conf import settings

from motcua.catalog.importing import import_procedures
from motcua.search.lexicon import packaged_entries
from motcua.search.models import AssistantQuestion, LexiconEntry
from motcua.search.situations import load_situations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def site(live_server, clean_caches):
    """The sample catalogue, the lexicon and the situations (a transactional test may
    start from tables another one emptied)."""
    import_procedures(settings.MOTCUA_SHARED_DATA_DIR / "procedures.csv")
    existing = set(LexiconEntry.objects.values_list("phrase", flat=True))
    LexiconEntry.objects.bulk_create(
        LexiconEntry(**row) for row in packaged_entries() if row["phrase"] not in existing
    )
    load_situations()
    return live_server.url


def test_a_citizen_asks_about_a_birth_follows_up_and_asks_off_topic(site, browser, check):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(20_000)

    page.goto(f"{site}/tro-ly/")
    check(page, "assistant-01-empty")
    page.get_by_label("Câu hỏi của bạn").fill(
        "vo e vua de thang cu o bv huyen, gio can lam giay to gi cho chau a"
    )
    # Each button submits a form: wait for the answer's page before reading it (a read
    # right after the click could see the page before it, or none yet).
    with page.expect_navigation():
        page.get_by_role("button", name="Hỏi", exact=True).click()
    steps = page.locator("ol.plan > li")
    assert steps.count() >= 3
    assert "Đăng ký khai sinh" in steps.nth(0).inner_text()
    assert "Đăng ký thường trú" in steps.nth(1).inner_text()
    assert page.get_by_role("link", name="Nộp hồ sơ: Đăng ký khai sinh").is_visible()
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    check(page, "assistant-02-plan")

    with page.expect_navigation():
        page.get_by_role("button", name="Có ích", exact=True).click()
    assert "Cảm ơn bạn đã đánh giá" in page.content()
    assert AssistantQuestion.objects.get().helpful is True

    page.goto(f"{site}/tro-ly/?q=vợ+tôi+vừa+sinh+con")
    page.get_by_label("Câu hỏi tiếp theo").fill("còn thẻ bảo hiểm y tế cho bé thì sao")
    with page.expect_navigation():
        page.get_by_role("button", name="Hỏi tiếp").click()
    assert "bảo hiểm y tế" in page.locator("section.answer-panel").inner_text().lower()
    check(page, "assistant-03-follow-up")

    page.get_by_label("Câu hỏi tiếp theo").fill("gia vang sjc hom nay bao nhieu")
    with page.expect_navigation():
        page.get_by_role("button", name="Hỏi tiếp").click()
    assert "Tôi chưa thể giúp việc này" in page.locator("section.answer-panel").inner_text()
    assert page.locator("ol.plan").count() == 0
    check(page, "assistant-04-out-of-scope")
    context.close()
