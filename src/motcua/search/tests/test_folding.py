import unicodedata

from motcua.search.folding import exact, fold


def test_fold_maps_d_with_stroke_to_d():
    assert fold("Đăng ký đất đai") == "dang ky dat dai"


def test_fold_removes_tones_and_marks():
    assert fold("Giấy chứng nhận quyền sử dụng") == "giay chung nhan quyen su dung"


def test_fold_handles_decomposed_input():
    assert fold(unicodedata.normalize("NFD", "Hộ chiếu phổ thông")) == "ho chieu pho thong"


def test_fold_turns_punctuation_into_spaces():
    assert fold("Cha, mẹ - con (C/O)") == "cha me con c o"


def test_exact_keeps_diacritics_but_normalises_case_and_form():
    assert exact(unicodedata.normalize("NFD", "Khai SINH,")) == "khai sinh"
    assert exact("Đăng ký") == "đăng ký"
