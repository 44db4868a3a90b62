"""Anonymising a PAKN before it is published on the portal.

Decree 20/2008/NĐ-CP lets the result of handling be made public; the person who sent
it is not (Law 91/2025/QH15 on personal data protection; Decree 13/2023/NĐ-CP). What is
masked: personal identification numbers (12 digits, ``audit.masking``), old 9-digit
identity card numbers, phone numbers, e-mail addresses, and the sender's own name
wherever it appears. The officer sees the masked text before it is published.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from motcua.audit.masking import mask_personal_ids

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Vietnamese phone numbers: 0 or +84/84, then 8–10 digits, spaces, dots or dashes allowed.
PHONE = re.compile(r"(?<![\w+])(?:\+84|84|0)(?:[\s.\-]?\d){8,10}(?!\d)")
OLD_ID = re.compile(r"(?<!\d)\d{9}(?!\d)")


def anonymise(text: str, names: list[str] | tuple[str, ...] = ()) -> str:
    """``text`` with personal numbers, phones, e-mails and the given ``names`` masked."""
    if not text:
        return ""
    text = EMAIL.sub(_("[thư điện tử đã ẩn]"), text)
    text = mask_personal_ids(text)
    text = PHONE.sub(_("[số điện thoại đã ẩn]"), text)
    text = OLD_ID.sub(lambda m: "*****" + m.group()[-4:], text)
    for name in sorted(
        {n.strip() for n in names if n and len(n.strip()) > 2}, key=len, reverse=True
    ):
        text = re.sub(re.escape(name), _("[người gửi]"), text, flags=re.IGNORECASE)
    return text
