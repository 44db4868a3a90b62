import unicodedata

from motcua.lib.text import fold, normalize, strip_diacritics


def test_strip_diacritics_keeps_the_case():
    assert strip_diacritics("Đắk Lắk") == "Dak Lak"
    assert strip_diacritics("Thừa Thiên Huế") == "Thua Thien Hue"
    assert strip_diacritics("đường Điện Biên Phủ") == "duong Dien Bien Phu"


def test_strip_diacritics_handles_decomposed_input_and_nothing():
    assert strip_diacritics(unicodedata.normalize("NFD", "Hộ chiếu")) == "Ho chieu"
    assert strip_diacritics("") == ""
    assert strip_diacritics(None) == ""


def test_fold_lowercases_and_maps_d_with_stroke():
    assert fold("Đăng ký đất đai") == "dang ky dat dai"
    assert fold("Giấy chứng nhận quyền sử dụng") == "giay chung nhan quyen su dung"


def test_fold_turns_punctuation_and_underscores_into_single_spaces():
    assert fold("  Cha, mẹ - con (C/O)__x ") == "cha me con c o x"
    assert fold(None) == ""


def test_normalize_keeps_diacritics_in_one_form():
    assert normalize(unicodedata.normalize("NFD", "Khai SINH,")) == "khai sinh"
    assert normalize("Đăng  ký!") == "đăng ký"
    assert normalize("Đăng ký") == unicodedata.normalize("NFC", "đăng ký")
