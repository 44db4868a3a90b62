"""Amounts in Vietnamese words, as receipts write them ("Mười nghìn đồng")."""

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu")


def _group(number: int, full: bool) -> list[str]:
    """Three digits; ``full`` when a higher group precedes (then "không trăm" is read)."""
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words = []
    if full or hundreds:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("lẻ")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 4 and tens > 1:
        words.append("tư")
    elif units == 5 and tens > 0:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def number_in_words(number: int) -> str:
    """1_005_000 → "một triệu không trăm lẻ năm nghìn"."""
    if number < 0:
        raise ValueError("negative amount")
    if number == 0:
        return DIGITS[0]
    groups = []
    while number:
        groups.append(number % 1000)
        number //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if not value:
            continue
        words += _group(value, full=bool(words))
        scale = " ".join(filter(None, [SCALES[index % 3]] + ["tỷ"] * (index // 3)))
        if scale:
            words.append(scale)
    return " ".join(words)


def vnd_in_words(amount: int) -> str:
    """10000 → "Mười nghìn đồng"."""
    text = number_in_words(int(amount))
    return f"{text[0].upper()}{text[1:]} đồng"
