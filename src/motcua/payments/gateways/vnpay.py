"""The VNPay adapter (PaymentV2, API version 2.1.0).

- Payment: the browser goes to ``MOTCUA_VNPAY_PAY_URL`` with the sorted ``vnp_``
  parameters URL-encoded (``quote_plus``) and ``vnp_SecureHash`` = hex
  HMAC-SHA512(secret, that query string). The return URL and the IPN carry the result
  signed the same way.
- ``querydr`` and ``refund``: JSON POSTed to ``MOTCUA_VNPAY_API_URL``; the signature is
  HMAC-SHA512 over the documented fields joined by ``|``, and so is the answer's,
  which is verified before it is believed.

Signatures are compared with ``hmac.compare_digest``. The hash secret never leaves this
module: it is not logged and not part of any stored message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

import requests
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from . import GatewayError, GatewayResult, InvalidSignature, Outcome, PaymentGateway, RefundResult

VERSION = "2.1.0"
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
HASH_KEYS = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})

QUERYDR_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERYDR_RESPONSE_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)
REFUND_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
REFUND_RESPONSE_FIELDS = QUERYDR_RESPONSE_FIELDS[:13]

# vnp_ResponseCode of a payment, as VNPay documents them.
RESPONSE_MESSAGES = {
    "00": "Giao dịch thành công.",
    "07": "Trừ tiền thành công; giao dịch bị nghi ngờ gian lận.",
    "09": "Thẻ/tài khoản chưa đăng ký dịch vụ Internet Banking tại ngân hàng.",
    "10": "Xác thực thông tin thẻ/tài khoản không đúng quá 3 lần.",
    "11": "Đã hết hạn chờ thanh toán.",
    "12": "Thẻ/tài khoản bị khóa.",
    "13": "Nhập sai mật khẩu xác thực giao dịch (OTP).",
    "24": "Người nộp đã hủy giao dịch.",
    "51": "Tài khoản không đủ số dư.",
    "65": "Tài khoản đã vượt quá hạn mức giao dịch trong ngày.",
    "75": "Ngân hàng thanh toán đang bảo trì.",
    "79": "Nhập sai mật khẩu thanh toán quá số lần quy định.",
    "99": "Lỗi khác.",
}
# vnp_TransactionStatus (querydr): 00 success; 04 reversed (money taken, not settled) and
# 07 held for fraud checks stay pending; 05/06/09 refund states of a paid transaction.
PAID_STATUSES = frozenset({"00", "05", "06", "09"})
PENDING_STATUSES = frozenset({"01", "04", "07"})

IPN_REPLIES = {
    "applied": ("00", "Confirm Success"),
    "failed": ("00", "Confirm Success"),
    "cancelled": ("00", "Confirm Success"),
    "duplicate": ("02", "Order already confirmed"),
    "unknown_order": ("01", "Order not found"),
    "wrong_amount": ("04", "Invalid amount"),
    "forged": ("97", "Invalid signature"),
}


def vnp_time(moment: dt.datetime) -> str:
    """``yyyyMMddHHmmss`` in Vietnam's time, as VNPay writes dates."""
    return moment.astimezone(VN_TZ).strftime("%Y%m%d%H%M%S")


def parse_vnp_time(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=VN_TZ)
    except (TypeError, ValueError):
        return None


def _hmac(secret: str, data: str) -> str:
    return hmac.new(secret.encode(), data.encode(), hashlib.sha512).hexdigest()


def query_hash_data(params: Mapping[str, Any]) -> str:
    return "&".join(
        f"{key}={quote_plus(str(params[key]))}"
        for key in sorted(params)
        if key.startswith("vnp_") and key not in HASH_KEYS
    )


def sign_query(secret: str, params: Mapping[str, Any]) -> str:
    """The ``vnp_SecureHash`` of a query-string message (request, return or IPN)."""
    return _hmac(secret, query_hash_data(params))


def pipe_hash_data(body: Mapping[str, Any], fields: Iterable[str]) -> str:
    return "|".join("" if body.get(name) is None else str(body.get(name)) for name in fields)


def _same(expected: str, given: Any) -> bool:
    return hmac.compare_digest(expected.lower().encode(), str(given or "").lower().encode())


def _amount_vnd(raw: Any) -> int | None:
    text = str(raw or "")
    if not text.isdigit() or int(text) % 100:
        return None
    return int(text) // 100


class VnpayGateway(PaymentGateway):
    name = "vnpay"

    @property
    def _secret(self) -> str:
        return settings.MOTCUA_VNPAY_HASH_SECRET

    @property
    def _tmn_code(self) -> str:
        return settings.MOTCUA_VNPAY_TMN_CODE

    # --- Payment -----------------------------------------------------------------------

    def redirect_url(self, payment, *, return_url: str, client_ip: str) -> str:
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self._tmn_code,
            "vnp_Amount": str(payment.amount_vnd * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": payment.txn_ref,
            "vnp_OrderInfo": payment.order_info,
            "vnp_OrderType": settings.MOTCUA_VNPAY_ORDER_TYPE,
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": client_ip or settings.MOTCUA_VNPAY_SERVER_IP,
            "vnp_CreateDate": vnp_time(payment.created_at),
            "vnp_ExpireDate": vnp_time(payment.expires_at),
        }
        query = query_hash_data(params)
        signature = _hmac(self._secret, query)
        return f"{settings.MOTCUA_VNPAY_PAY_URL}?{query}&vnp_SecureHash={signature}"

    def txn_ref_of(self, params: Mapping[str, Any]) -> str:
        return str(params.get("vnp_TxnRef", ""))[:100]

    def parse_notice(self, params: Mapping[str, Any]) -> GatewayResult:
        params = {key: str(value) for key, value in params.items() if key.startswith("vnp_")}
        expected = sign_query(self._secret, params)
        if not _same(expected, params.get("vnp_SecureHash")):
            raise InvalidSignature(_("Chữ ký của thông báo không hợp lệ."), params)
        if params.get("vnp_TmnCode") != self._tmn_code:
            raise InvalidSignature(_("Thông báo gửi cho đơn vị khác (vnp_TmnCode)."), params)
        code = params.get("vnp_ResponseCode", "")
        status = params.get("vnp_TransactionStatus", "")
        if code == "00" and status == "00":
            outcome = Outcome.PAID
        elif code == "24":
            outcome = Outcome.CANCELLED
        else:
            outcome = Outcome.FAILED
        return GatewayResult(
            outcome=outcome,
            txn_ref=params.get("vnp_TxnRef", ""),
            amount_vnd=_amount_vnd(params.get("vnp_Amount")),
            transaction_no=params.get("vnp_TransactionNo", ""),
            bank_code=params.get("vnp_BankCode", ""),
            paid_at=parse_vnp_time(params.get("vnp_PayDate", "")),
            code=code,
            message=RESPONSE_MESSAGES.get(code, RESPONSE_MESSAGES["99"]),
            params=params,
        )

    def ipn_reply(self, verdict: str) -> tuple[str, str]:
        return IPN_REPLIES.get(verdict, ("99", "Unknown error"))

    # --- Merchant API ------------------------------------------------------------------

    def _call(self, body: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
        """POST a signed API call and return its verified answer."""
        body["vnp_SecureHash"] = _hmac(self._secret, pipe_hash_data(body, fields))
        try:
            response = requests.post(
                settings.MOTCUA_VNPAY_API_URL,
                json=body,
                timeout=(
                    settings.MOTCUA_PAYMENT_CONNECT_TIMEOUT_S,
                    settings.MOTCUA_PAYMENT_READ_TIMEOUT_S,
                ),
            )
        except requests.RequestException as exc:
            raise GatewayError(
                _("Không kết nối được cổng thanh toán (%(error)s).") % {"error": type(exc).__name__}
            ) from exc
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.status_code != 200 or not isinstance(answer, dict):
            raise GatewayError(
                _("Cổng thanh toán trả lời không hợp lệ (HTTP %(status)s).")
                % {"status": response.status_code}
            )
        return answer

    def _verify(self, answer: dict[str, Any], fields: tuple[str, ...]) -> None:
        if "vnp_SecureHash" not in answer:
            raise GatewayError(
                _("Cổng thanh toán từ chối yêu cầu: %(code)s %(message)s")
                % {
                    "code": answer.get("vnp_ResponseCode", ""),
                    "message": answer.get("vnp_Message", ""),
                },
                answer,
            )
        expected = _hmac(self._secret, pipe_hash_data(answer, fields))
        if not _same(expected, answer.get("vnp_SecureHash")):
            raise InvalidSignature(
                _("Chữ ký của phản hồi từ cổng thanh toán không hợp lệ."), answer
            )

    def _base(self, command: str, payment) -> dict[str, Any]:
        return {
            "vnp_RequestId": uuid.uuid4().hex,
            "vnp_Version": VERSION,
            "vnp_Command": command,
            "vnp_TmnCode": self._tmn_code,
            "vnp_TxnRef": payment.txn_ref,
            "vnp_TransactionDate": vnp_time(payment.created_at),
            "vnp_CreateDate": vnp_time(timezone.now()),
            "vnp_IpAddr": settings.MOTCUA_VNPAY_SERVER_IP,
        }

    def query(self, payment) -> GatewayResult:
        body = self._base("querydr", payment)
        body["vnp_OrderInfo"] = f"Tra cuu giao dich {payment.txn_ref}"
        answer = self._call(body, QUERYDR_REQUEST_FIELDS)
        self._verify(answer, QUERYDR_RESPONSE_FIELDS)
        code = str(answer.get("vnp_ResponseCode", ""))
        if code == "91":
            return GatewayResult(
                Outcome.UNKNOWN,
                payment.txn_ref,
                code=code,
                message=_("Cổng thanh toán không có giao dịch này."),
                params=answer,
            )
        if code != "00":
            raise GatewayError(
                _("Cổng thanh toán không tra cứu được giao dịch: %(code)s %(message)s")
                % {"code": code, "message": answer.get("vnp_Message", "")},
                answer,
            )
        if str(answer.get("vnp_TxnRef")) != payment.txn_ref:
            raise GatewayError(_("Cổng thanh toán trả lời về một giao dịch khác."), answer)
        status = str(answer.get("vnp_TransactionStatus", ""))
        if status in PAID_STATUSES:
            outcome = Outcome.PAID
        elif status in PENDING_STATUSES:
            outcome = Outcome.PENDING
        else:
            outcome = Outcome.FAILED
        return GatewayResult(
            outcome=outcome,
            txn_ref=payment.txn_ref,
            amount_vnd=_amount_vnd(answer.get("vnp_Amount")),
            transaction_no=str(answer.get("vnp_TransactionNo", "")),
            bank_code=str(answer.get("vnp_BankCode", "")),
            paid_at=parse_vnp_time(str(answer.get("vnp_PayDate", ""))),
            code=status,
            message=str(answer.get("vnp_Message", "")),
            params=answer,
        )

    def refund(self, refund) -> RefundResult:
        payment = refund.payment
        body = self._base("refund", payment)
        body.update(
            vnp_TransactionType="02" if refund.amount_vnd == payment.amount_vnd else "03",
            vnp_Amount=str(refund.amount_vnd * 100),
            vnp_TransactionNo=payment.gateway_transaction_no or "0",
            vnp_CreateBy="motcua",
            vnp_OrderInfo=f"Hoan phi ho so {payment.dossier.code or payment.txn_ref}",
        )
        answer = self._call(body, REFUND_REQUEST_FIELDS)
        self._verify(answer, REFUND_RESPONSE_FIELDS)
        code = str(answer.get("vnp_ResponseCode", ""))
        # 94: a refund of this transaction was already accepted (an earlier attempt whose
        # answer was lost): the money is on its way back all the same.
        return RefundResult(
            ok=code in {"00", "94"},
            reference=str(answer.get("vnp_TransactionNo", "")),
            code=code,
            message=str(answer.get("vnp_Message", "")),
            params=answer,
        )
