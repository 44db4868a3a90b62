"""The data store in a real browser at phone width: upload, list, delete; axe-core finds
no serious or critical accessibility violation on any of its pages.

The test bodies run inside Playwright's event loop, where Django would open a database
connection of its own that nobody closes: they check what the page shows instead.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from django.urls import reverse

from .conftest import PDF

CHROMIUM = os.environ.get("MOTCUA_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_page(live_server, citizen):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is needed for the browser tests: apt-get install -y chromium ({CHROMIUM})"
        )
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    client = Client()
    client.force_login(citizen)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(viewport=PHONE, locale="vi-VN")
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        yield context.new_page()
        browser.close()


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.django_db(transaction=True)
def test_a_person_uploads_and_deletes_a_document_on_a_phone(phone_page, live_server, tmp_path):
    page = phone_page
    scan = tmp_path / "giay-khai-sinh.pdf"
    scan.write_bytes(PDF)

    page.goto(live_server.url + reverse("datastore:home"))
    assert page.get_by_role("heading", name="Kho dữ liệu của tôi").is_visible()
    assert serious_violations(page) == []
    page.screenshot(path=tmp_path / "kho-du-lieu-trong.png", full_page=True)

    with page.expect_navigation():  # axe reads the new page, not one half unloaded
        page.get_by_role("link", name="Tải lên giấy tờ").click()
    assert serious_violations(page) == []
    page.get_by_label("Tệp").set_input_files(scan)
    page.get_by_label("Tên giấy tờ (không bắt buộc)").fill("Giấy khai sinh của con")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu vào kho dữ liệu").click()
    assert page.get_by_text("Đã lưu “Giấy khai sinh của con” vào kho dữ liệu.").is_visible()
    assert serious_violations(page) == []
    page.screenshot(path=tmp_path / "kho-du-lieu.png", full_page=True)

    with page.expect_navigation():
        page.get_by_role("link", name="Xóa Giấy khai sinh của con").click()
    assert serious_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Xóa giấy tờ").click()
    assert page.get_by_text("Đã xóa “Giấy khai sinh của con” khỏi kho dữ liệu.").is_visible()
    assert page.get_by_text("Kho dữ liệu của bạn chưa có giấy tờ nào.", exact=False).is_visible()


@pytest.mark.django_db(transaction=True)
def test_a_refused_upload_is_explained_accessibly(phone_page, live_server, tmp_path):
    page = phone_page
    program = tmp_path / "anh.jpg"
    program.write_bytes(b"MZ\x90\x00" + b"\x00" * 64)
    page.goto(live_server.url + reverse("datastore:upload"))
    page.get_by_label("Tệp").set_input_files(program)
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu vào kho dữ liệu").click()
    assert page.get_by_role("alert").filter(has_text="không phải PDF, JPG hoặc PNG").is_visible()
    assert serious_violations(page) == []
    page.screenshot(path=tmp_path / "kho-du-lieu-loi.png", full_page=True)
