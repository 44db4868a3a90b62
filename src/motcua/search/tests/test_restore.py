"""Diacritic restoration and word segmentation of citizens' messages (search.restore)."""

import time

import pytest

from motcua.lib.text import fold, normalize
from motcua.search.restore import build_model, default_model, restore, tokens


def test_birth_message_from_the_issue():
    restored = restore("vo e vua de thang cu o bv huyen")
    assert "vợ" in restored
    assert "vừa đẻ" in restored
    assert "bệnh viện huyện" in restored
    assert restored.startswith("vợ em")


def test_leave_behind_is_not_give_birth():
    assert restore("de lai dua chau") == "để lại đứa cháu"
    assert "để lại" in restore("con toi mat, de lai hai dua nho")


def test_import_duty_and_household_register_both_restore():
    restored = restore("xuat hang thue nhap khau")
    assert "xuất hàng" in restored
    assert "thuế nhập khẩu" in restored
    assert restore("nhap khau cho con") == "nhập khẩu cho con"


def test_teencode_and_regional_words():
    assert restore("ko biet lam j") == "không biết làm gì"
    assert restore("vk minh dc nghi thai san") == "vợ mình được nghỉ thai sản"
    assert restore("ck em") == "chồng em"
    assert "tôi" in restore("tui muon hoi")
    # "dk" is "đăng ký" or "được": the context decides.
    assert restore("dk tam tru") == "đăng ký tạm trú"
    # An age written "29t".
    assert restore("e nam nay 29t") == "em năm nay 29 tuổi"


def test_accented_text_is_kept():
    text = "Tôi muốn đăng ký khai sinh cho con, ở Hà Nội."
    assert restore(text) == text
    # Partly accented: what was typed with marks stays, the rest is restored around it.
    assert restore("đẻ o bv huyen") == "đẻ ở bệnh viện huyện"


def test_case_punctuation_and_unknown_words_are_kept():
    assert restore("Gia vang SJC hom nay?") == "Giá vàng SJC hôm nay?"
    assert restore("Chao ban!!") == "Chào bạn!!"
    # Short capitals (a certificate "C/O form E") are codes, not teencode.
    assert restore("C/O form E") == "C/O form E"
    assert restore("") == ""
    assert restore("   ") == "   "


def test_restores_most_syllables_of_accented_queries_it_never_saw():
    accented = [
        "bố tôi mới mất cần làm thủ tục gì",
        "lấy vợ cần giấy tờ gì",
        "mất giấy khai sinh gốc",
        "chuyển hộ khẩu về nhà chồng",
        "làm lại thẻ căn cước bị mất",
        "mở quán cà phê cần giấy phép gì",
        "bị mất việc muốn nhận trợ cấp",
        "đổi bằng lái xe ô tô",
    ]
    right = total = 0
    for text in accented:
        gold = normalize(text).split()
        got = normalize(restore(fold(text))).split()
        assert len(got) == len(gold)
        right += sum(g == o for g, o in zip(gold, got, strict=True))
        total += len(gold)
    assert right / total >= 0.9


def test_tokens_keeps_known_words_together():
    words = tokens("vo e vua de thang cu o bv huyen")
    assert "bệnh viện" in words
    assert "thằng cu" in words
    assert tokens("thue nhap khau hang hoa") == ["thuế nhập khẩu", "hàng hóa"]
    assert tokens("") == []


def test_long_message_is_read_whole():
    message = (
        "xin chao, minh ten lan, nam nay 31t, dang lam cong nhan o khu cong nghiep, vk minh "
        "vua sinh be thu hai o bv tinh duoc 5 ngay, ca hai vk ck deu co dong bhxh, gio minh "
        "muon hoi la lam giay khai sinh cho be o ubnd xa hay o dau, co can mang theo giay "
        "chung sinh ko, roi nhap khau cho be vao ho khau nha noi thi lam sao, vk minh nghi "
        "thai san thi nop ho so o dau, can nhung giay to gi, mat bao lau, cam on nhieu"
    )
    assert len(message) > 300
    restored = restore(message)
    # The end of the message is restored as well as its beginning.
    assert restored.startswith("xin chào, mình")
    assert "vợ mình vừa sinh" in restored
    assert "bảo hiểm xã hội" in restored
    assert "giấy chứng sinh" in restored
    assert "nhập khẩu cho bé vào hộ khẩu" in restored
    assert restored.endswith("cảm ơn nhiều")


def test_fast_and_deterministic():
    sentence = "vo e vua de thang cu o bv huyen, can lam giay khai sinh va nhap khau cho chau "
    message = (sentence * 6)[:400]
    default_model()  # built once per process
    first = restore(message)
    runs = 50
    start = time.perf_counter()
    for _ in range(runs):
        assert restore(message) == first
    per_message = (time.perf_counter() - start) / runs
    assert per_message < 0.004, f"{per_message * 1000:.2f} ms per 400-character message"


def test_model_learns_from_the_texts_it_is_given():
    model = build_model([("phrases", "đi bơi"), ("phrases", "bởi vì")])
    assert restore("di boi", model) == "đi bơi"
    assert restore("boi vi", model) == "bởi vì"
    # A syllable it has never seen is left as typed.
    assert restore("xyz", model) == "xyz"


@pytest.mark.parametrize(
    "question",
    ["gia vang sjc hom nay", "thoi tiet ngay mai", "chao buoi sang", "cam on ban"],
)
def test_everyday_out_of_scope_words_restore(question):
    restored = restore(question)
    assert restored != question
    assert fold(restored) == fold(question)
