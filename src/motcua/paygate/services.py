"""What the simulated gateway does, as VNPay (PaymentV2, API 2.1.0) does it.

1. ``open_transaction``: check a signed payment request (the customer's browser
   arrives with it at ``paymentv2/vpcpay.html``) and record the transaction.
2. ``complete``: the customer pays or cancels; the merchant is told by IPN (a
   server-to-server GET of the signed result) as the chosen scenario says, and the
   browser is sent back to the merchant's return URL with the same signed result.
3. ``api``: the merchant's ``querydr`` and ``refund`` calls, answered with signed JSON.

Everything is logged on the transaction (IPN answers included) for the admin to see.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import requests
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import signing
from .models import Merchant, Scenario, SimTransaction

log = logging.getLogger(__name__)

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
BANKS = (
    ("NCB", "Ngân hàng TMCP Quốc Dân (NCB)"),
    ("VCB", "Ngân hàng TMCP Ngoại thương Việt Nam (Vietcombank)"),
    ("BIDV", "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam (BIDV)"),
    ("VIETINBANK", "Ngân hàng TMCP Công thương Việt Nam (VietinBank)"),
    ("AGRIBANK", "Ngân hàng Nông nghiệp và Phát triển Nông thôn (Agribank)"),
    ("VNPAYQR", "Ứng dụng ngân hàng quét mã VNPAY-QR"),
)
# vnp_TransactionStatus of each state, as querydr and the return/IPN report it.
TRANSACTION_STATUS = {
    SimTransaction.Status.PENDING: "01",
    SimTransaction.Status.PAID: "00",
    SimTransaction.Status.CANCELLED: "02",
    SimTransaction.Status.REFUNDED: "05",
}
REQUIRED = (
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_Amount",
    "vnp_CurrCode",
    "vnp_TxnRef",
    "vnp_OrderInfo",
    "vnp_ReturnUrl",
    "vnp_CreateDate",
    "vnp_IpAddr",
)
_VNP_TIME = re.compile(r"^\d{14}$")
MAX_IPN_ATTEMPTS = 10


class PayRequestError(Exception):
    """The payment request is refused; ``code`` is VNPay's error code, ``message`` Vietnamese."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def vnp_time(moment: dt.datetime | None = None) -> str:
    """``yyyyMMddHHmmss`` in Vietnam's time, as VNPay writes dates."""
    return (moment or timezone.now()).astimezone(VN_TZ).strftime("%Y%m%d%H%M%S")


def parse_vnp_time(text: str) -> dt.datetime | None:
    if not _VNP_TIME.match(text or ""):
        return None
    try:
        return dt.datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=VN_TZ)
    except ValueError:
        return None


def merchant_for(tmn_code: str) -> Merchant | None:
    """The active merchant with ``tmn_code``; the demo merchant of the settings always exists."""
    if tmn_code and tmn_code == settings.MOTCUA_PAYGATE_TMN_CODE:
        merchant, _created = Merchant.objects.get_or_create(
            tmn_code=tmn_code,
            defaults={
                "name": settings.MOTCUA_PAYGATE_MERCHANT_NAME,
                "hash_secret": settings.MOTCUA_PAYGATE_HASH_SECRET,
            },
        )
        # The settings stay the truth for the demo merchant's secret.
        if merchant.hash_secret != settings.MOTCUA_PAYGATE_HASH_SECRET:
            merchant.hash_secret = settings.MOTCUA_PAYGATE_HASH_SECRET
            merchant.save(update_fields=["hash_secret"])
        return merchant if merchant.is_active else None
    if not tmn_code:
        return None
    return Merchant.objects.filter(tmn_code=tmn_code, is_active=True).first()


def _format_problems(params: Mapping[str, str]) -> list[str]:
    problems = [name for name in REQUIRED if not params.get(name)]
    if params.get("vnp_Version") and params["vnp_Version"] != "2.1.0":
        problems.append("vnp_Version")
    if params.get("vnp_Command") and params["vnp_Command"] != "pay":
        problems.append("vnp_Command")
    if params.get("vnp_CurrCode") and params["vnp_CurrCode"] != "VND":
        problems.append("vnp_CurrCode")
    amount = params.get("vnp_Amount", "")
    if amount and (not amount.isdigit() or int(amount) <= 0 or int(amount) % 100):
        problems.append("vnp_Amount")
    if params.get("vnp_ReturnUrl") and urlsplit(params["vnp_ReturnUrl"]).scheme not in {
        "http",
        "https",
    }:
        problems.append("vnp_ReturnUrl")
    for name in ("vnp_CreateDate", "vnp_ExpireDate"):
        if params.get(name) and parse_vnp_time(params[name]) is None:
            problems.append(name)
    return sorted(set(problems))


def open_transaction(params: Mapping[str, str]) -> SimTransaction:
    """Check a signed payment request and record (or find again) its transaction.

    Raises PayRequestError: 02 unknown merchant, 97 wrong signature, 03 malformed
    request, 11 past ``vnp_ExpireDate``, 01 a ``vnp_TxnRef`` already used otherwise.
    """
    params = {key: str(value) for key, value in params.items()}
    merchant = merchant_for(params.get("vnp_TmnCode", ""))
    if merchant is None:
        raise PayRequestError(
            "02", _("Website (vnp_TmnCode) chưa được đăng ký với cổng thanh toán.")
        )
    expected = signing.sign_query(merchant.hash_secret, params)
    if not signing.matches(expected, params.get("vnp_SecureHash")):
        raise PayRequestError(
            "97",
            _(
                "Sai chữ ký: yêu cầu thanh toán không do đơn vị ký "
                "hoặc đã bị sửa trên đường truyền."
            ),
        )
    problems = _format_problems(params)
    if problems:
        raise PayRequestError(
            "03",
            _("Dữ liệu gửi sang không đúng định dạng: %(fields)s.")
            % {"fields": ", ".join(problems)},
        )
    expires = parse_vnp_time(params.get("vnp_ExpireDate", ""))
    if expires is not None and expires < timezone.now():
        raise PayRequestError(
            "11",
            _(
                "Đã hết hạn chờ thanh toán. Vui lòng quay lại trang của đơn vị "
                "và thực hiện lại giao dịch."
            ),
        )
    txn, created = SimTransaction.objects.get_or_create(
        merchant=merchant,
        txn_ref=params["vnp_TxnRef"],
        defaults={
            "amount_x100": int(params["vnp_Amount"]),
            "order_info": params["vnp_OrderInfo"][:255],
            "order_type": params.get("vnp_OrderType", "")[:100],
            "locale": params.get("vnp_Locale", "")[:5],
            "return_url": params["vnp_ReturnUrl"],
            "ip_addr": params["vnp_IpAddr"][:45],
            "create_date": params["vnp_CreateDate"],
            "expire_date": params.get("vnp_ExpireDate", ""),
        },
    )
    same_request = txn.amount_x100 == int(params["vnp_Amount"])
    if not created and (txn.status != SimTransaction.Status.PENDING or not same_request):
        raise PayRequestError(
            "01", _("Giao dịch đã tồn tại và đã được xử lý (mã tham chiếu vnp_TxnRef trùng).")
        )
    return txn


def result_params(txn: SimTransaction) -> dict[str, str]:
    """The signed result the browser brings back and the IPN carries."""
    params = {
        "vnp_Amount": str(txn.amount_x100),
        "vnp_BankCode": txn.bank_code,
        "vnp_BankTranNo": txn.bank_tran_no,
        "vnp_CardType": "ATM" if txn.status == SimTransaction.Status.PAID else "",
        "vnp_OrderInfo": txn.order_info,
        "vnp_PayDate": txn.pay_date,
        "vnp_ResponseCode": txn.response_code,
        "vnp_TmnCode": txn.merchant.tmn_code,
        "vnp_TransactionNo": txn.transaction_no,
        "vnp_TransactionStatus": TRANSACTION_STATUS[txn.status],
        "vnp_TxnRef": txn.txn_ref,
    }
    params["vnp_SecureHash"] = signing.sign_query(txn.merchant.hash_secret, params)
    return params


def return_url_for(txn: SimTransaction) -> str:
    separator = "&" if "?" in txn.return_url else "?"
    return f"{txn.return_url}{separator}{urlencode(result_params(txn))}"


def ipn_url_for(txn: SimTransaction) -> str:
    """The merchant's IPN URL, or the return URL's origin + ``MOTCUA_PAYGATE_IPN_PATH``."""
    if txn.merchant.ipn_url:
        return txn.merchant.ipn_url
    parts = urlsplit(txn.return_url)
    return f"{parts.scheme}://{parts.netloc}{settings.MOTCUA_PAYGATE_IPN_PATH}"


def complete(
    public_id: uuid.UUID | str, *, pay: bool, bank_code: str = "NCB", scenario: str = ""
) -> SimTransaction:
    """The customer pays (``pay``) or cancels; then the merchant is told as ``scenario`` says.

    A transaction already paid or cancelled is returned unchanged (a double click). Raises
    SimTransaction.DoesNotExist for an unknown ``public_id``.
    """
    scenario = scenario if scenario in Scenario.values else settings.MOTCUA_PAYGATE_DEFAULT_SCENARIO
    banks = dict(BANKS)
    with transaction.atomic():
        txn = (
            SimTransaction.objects.select_for_update(of=("self",))
            .select_related("merchant")
            .get(public_id=public_id)
        )
        if txn.status != SimTransaction.Status.PENDING:
            return txn
        txn.bank_code = bank_code if bank_code in banks else "NCB"
        if pay:
            txn.status = SimTransaction.Status.PAID
            txn.response_code = "00"
            txn.transaction_no = str(14_000_000 + txn.pk)
            txn.bank_tran_no = f"VNP{txn.pk:08d}"
        else:
            txn.status = SimTransaction.Status.CANCELLED
            txn.response_code = "24"
            txn.transaction_no = "0"
        txn.pay_date = vnp_time()
        txn.scenario = scenario
        txn.ipn_status = (
            SimTransaction.IpnStatus.SKIPPED
            if scenario == Scenario.NEVER
            else SimTransaction.IpnStatus.QUEUED
        )
        txn.save()
    _notify(txn)
    return txn


def _notify(txn: SimTransaction) -> None:
    if txn.scenario == Scenario.NORMAL:
        deliver_ipn(txn)
    elif txn.scenario == Scenario.TWICE:
        deliver_ipn(txn)
        deliver_ipn(txn)
    elif txn.scenario == Scenario.LATE and settings.MOTCUA_PAYGATE_LATE_DELAY_S > 0:
        timer = threading.Timer(settings.MOTCUA_PAYGATE_LATE_DELAY_S, _deliver_later, [txn.pk])
        timer.daemon = True
        timer.start()


def _deliver_later(pk: int) -> None:
    try:
        txn = SimTransaction.objects.select_related("merchant").get(pk=pk)
        if txn.ipn_status == SimTransaction.IpnStatus.QUEUED:
            deliver_ipn(txn)
    except Exception:  # a background thread has nobody to report to but the log
        log.exception("late IPN of simulated transaction %s failed", pk)
    finally:
        connection.close()


def deliver_ipn(txn: SimTransaction) -> dict[str, Any]:
    """Send the signed result to the merchant's IPN URL once and store its answer.

    The merchant confirms with ``{"RspCode": "00"}`` (or ``"02"``, already confirmed);
    anything else leaves the IPN failed, for ``deliver_pending`` to retry.
    """
    answer: dict[str, Any] = {"at": timezone.now().isoformat()}
    confirmed = False
    try:
        response = requests.get(
            ipn_url_for(txn),
            params=result_params(txn),
            timeout=settings.MOTCUA_PAYGATE_IPN_TIMEOUT_S,
        )
        try:
            body = response.json()
        except ValueError:
            body = {"text": response.text[:300]}
        answer.update(http_status=response.status_code, body=body)
        confirmed = (
            response.status_code == 200
            and isinstance(body, dict)
            and body.get("RspCode") in {"00", "02"}
        )
    except requests.RequestException as exc:
        answer["error"] = type(exc).__name__
    with transaction.atomic():
        locked = SimTransaction.objects.select_for_update().get(pk=txn.pk)
        locked.ipn_answers = [*locked.ipn_answers, answer]
        locked.ipn_status = (
            SimTransaction.IpnStatus.SENT if confirmed else SimTransaction.IpnStatus.FAILED
        )
        locked.save(update_fields=["ipn_answers", "ipn_status", "updated_at"])
    txn.ipn_answers, txn.ipn_status = locked.ipn_answers, locked.ipn_status
    return answer


def deliver_pending(txn_ref: str | None = None) -> list[SimTransaction]:
    """Send the queued IPNs (the "late" scenario) and retry failed ones; returns those tried."""
    pending = SimTransaction.objects.select_related("merchant").filter(
        ipn_status__in=[SimTransaction.IpnStatus.QUEUED, SimTransaction.IpnStatus.FAILED]
    )
    if txn_ref:
        pending = pending.filter(txn_ref=txn_ref)
    tried = []
    for txn in pending.order_by("id"):
        if len(txn.ipn_answers) >= MAX_IPN_ATTEMPTS:
            continue
        deliver_ipn(txn)
        tried.append(txn)
    return tried


# --- The merchant API (querydr, refund) --------------------------------------------------


def _answer(merchant: Merchant, fields: tuple[str, ...], **values: str) -> dict[str, str]:
    body = {"vnp_ResponseId": uuid.uuid4().hex, **values}
    body["vnp_SecureHash"] = signing.sign_fields(merchant.hash_secret, body, fields)
    return body


def api(body: Mapping[str, Any]) -> dict[str, str]:
    """Answer a ``querydr`` or ``refund`` call (VNPay's response codes, signed JSON)."""
    merchant = merchant_for(str(body.get("vnp_TmnCode", "")))
    if merchant is None:
        return {"vnp_ResponseCode": "02", "vnp_Message": "Merchant không hợp lệ"}
    command = body.get("vnp_Command")
    if command == "querydr":
        return _querydr(merchant, body)
    if command == "refund":
        return _refund(merchant, body)
    return _answer(
        merchant,
        signing.QUERYDR_RESPONSE_FIELDS,
        vnp_Command=str(command or ""),
        vnp_ResponseCode="03",
        vnp_Message="Dữ liệu gửi sang không đúng định dạng (vnp_Command)",
        vnp_TmnCode=merchant.tmn_code,
    )


def _querydr(merchant: Merchant, body: Mapping[str, Any]) -> dict[str, str]:
    base = {
        "vnp_Command": "querydr",
        "vnp_TmnCode": merchant.tmn_code,
        "vnp_TxnRef": str(body.get("vnp_TxnRef", "")),
    }
    fields = signing.QUERYDR_RESPONSE_FIELDS
    expected = signing.sign_fields(merchant.hash_secret, body, signing.QUERYDR_REQUEST_FIELDS)
    if not signing.matches(expected, body.get("vnp_SecureHash")):
        return _answer(
            merchant, fields, **base, vnp_ResponseCode="97", vnp_Message="Sai chữ ký (checksum)"
        )
    txn = merchant.transactions.filter(txn_ref=base["vnp_TxnRef"]).first()
    if txn is None:
        return _answer(
            merchant, fields, **base, vnp_ResponseCode="91", vnp_Message="Không tìm thấy giao dịch"
        )
    return _answer(
        merchant,
        fields,
        **base,
        vnp_ResponseCode="00",
        vnp_Message="Tra cứu thành công",
        vnp_Amount=str(txn.amount_x100),
        vnp_BankCode=txn.bank_code,
        vnp_PayDate=txn.pay_date,
        vnp_TransactionNo=txn.transaction_no,
        vnp_TransactionType="01",
        vnp_TransactionStatus=TRANSACTION_STATUS[txn.status],
        vnp_OrderInfo=txn.order_info,
        vnp_PromotionCode="",
        vnp_PromotionAmount="",
    )


def _refund(merchant: Merchant, body: Mapping[str, Any]) -> dict[str, str]:
    base = {
        "vnp_Command": "refund",
        "vnp_TmnCode": merchant.tmn_code,
        "vnp_TxnRef": str(body.get("vnp_TxnRef", "")),
        "vnp_TransactionType": str(body.get("vnp_TransactionType", "")),
    }
    fields = signing.REFUND_RESPONSE_FIELDS
    expected = signing.sign_fields(merchant.hash_secret, body, signing.REFUND_REQUEST_FIELDS)
    if not signing.matches(expected, body.get("vnp_SecureHash")):
        return _answer(
            merchant, fields, **base, vnp_ResponseCode="97", vnp_Message="Sai chữ ký (checksum)"
        )
    amount = str(body.get("vnp_Amount", ""))
    if not amount.isdigit() or base["vnp_TransactionType"] not in {"02", "03"}:
        return _answer(
            merchant,
            fields,
            **base,
            vnp_ResponseCode="03",
            vnp_Message="Dữ liệu gửi sang không đúng định dạng",
        )
    with transaction.atomic():
        txn = (
            merchant.transactions.select_for_update(of=("self",))
            .filter(txn_ref=base["vnp_TxnRef"])
            .first()
        )
        if txn is None:
            code, message = "91", "Không tìm thấy giao dịch yêu cầu hoàn trả"
        elif txn.status == SimTransaction.Status.REFUNDED:
            code, message = "94", "Giao dịch đã được gửi yêu cầu hoàn tiền trước đó"
        elif txn.status != SimTransaction.Status.PAID:
            code, message = "95", "Giao dịch không thành công, không thể hoàn tiền"
        elif not 0 < int(amount) <= txn.amount_x100:
            code, message = "03", "Số tiền hoàn không hợp lệ"
        else:
            txn.status = SimTransaction.Status.REFUNDED
            txn.refunded_x100 = int(amount)
            txn.refund_transaction_no = str(15_000_000 + txn.pk)
            txn.save(update_fields=["status", "refunded_x100", "refund_transaction_no"])
            code, message = "00", "Yêu cầu hoàn tiền thành công"
    if txn is None:
        return _answer(merchant, fields, **base, vnp_ResponseCode=code, vnp_Message=message)
    return _answer(
        merchant,
        fields,
        **base,
        vnp_ResponseCode=code,
        vnp_Message=message,
        vnp_Amount=amount,
        vnp_BankCode=txn.bank_code,
        vnp_PayDate=vnp_time(),
        vnp_TransactionNo=txn.refund_transaction_no or txn.transaction_no,
        vnp_TransactionStatus=TRANSACTION_STATUS[txn.status],
        vnp_OrderInfo=str(body.get("vnp_OrderInfo", "")),
    )
