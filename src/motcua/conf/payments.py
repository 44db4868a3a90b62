"""Settings for online fee payment (``motcua.payments``) and the bundled payment-gateway
simulator (``motcua.paygate``), read from the environment.

``payments`` (the platform's side):

- ``MOTCUA_PAYMENT_GATEWAY``: the gateway citizens pay through (``vnpay``).
- ``MOTCUA_PAYMENT_GATEWAYS``: extra gateways as ``name=dotted.path.ToGatewayClass`` pairs,
  comma-separated; they join the built-in ``vnpay`` adapter.
- ``MOTCUA_VNPAY_PAY_URL``: the VNPay page the citizen is sent to (default: the
  simulator on the development server).
- ``MOTCUA_VNPAY_API_URL``: the merchant API (``querydr`` and ``refund``).
- ``MOTCUA_VNPAY_TMN_CODE`` and ``MOTCUA_VNPAY_HASH_SECRET``: the merchant's terminal code
  and secret; the defaults are the simulator's demo merchant, never a real one.
- ``MOTCUA_VNPAY_ORDER_TYPE`` (``vnp_OrderType``, default ``other``) and
  ``MOTCUA_VNPAY_SERVER_IP`` (the ``vnp_IpAddr`` sent with API calls).
- ``MOTCUA_PAYMENT_CONNECT_TIMEOUT_S`` / ``MOTCUA_PAYMENT_READ_TIMEOUT_S``: timeouts of
  every server-to-server call to the gateway.
- ``MOTCUA_PAYMENT_EXPIRE_MINUTES``: how long the citizen has to pay at the gateway
  (``vnp_ExpireDate``).
- ``MOTCUA_PAYMENT_RECONCILE_AFTER_S``: ``reconcile_payments`` asks the gateway about a
  payment still pending this many seconds after it started.
- ``MOTCUA_PAYMENT_REFUND_MAX_ATTEMPTS``: gateway refunds tried this often before they are
  marked failed (an officer then follows up).
- ``MOTCUA_PAYMENT_RECEIPT_PREFIX``: the prefix of receipt numbers (``BL`` → ``BL2026-000123``).
- ``MOTCUA_PAYMENT_NOTICE_RATE`` ("120/m", ``<n>/<s|m|h|d>``): notices per source address
  the IPN URL takes; beyond it 429 (the gateway retries, ``reconcile_payments`` asks it
  anyway). Empty turns the limit off.
- ``MOTCUA_PAYMENT_REJECTED_KEEP_DAYS`` (90): how long the daily counts of notices with
  a wrong signature (per source address) are kept; ``prune_rejected_notices`` deletes
  older ones.

``paygate`` (the simulator served at ``/mo-phong/thanh-toan/``):

- ``MOTCUA_PAYGATE_ENABLED`` (on by default; off removes its URLs).
- ``MOTCUA_PAYGATE_TMN_CODE`` / ``MOTCUA_PAYGATE_HASH_SECRET``: the demo merchant that
  exists without any admin step (the same defaults as the platform's).
- ``MOTCUA_PAYGATE_MERCHANT_NAME``: the name the payment page shows for it.
- ``MOTCUA_PAYGATE_IPN_PATH``: where a merchant without an IPN URL is notified, on the
  origin of its return URL (``/thanh-toan/ipn/``).
- ``MOTCUA_PAYGATE_DEFAULT_SCENARIO``: how the IPN is sent unless the page says otherwise:
  ``normal`` (before the browser returns), ``twice``, ``late`` (queued), ``never``.
- ``MOTCUA_PAYGATE_LATE_DELAY_S``: a queued ("late") IPN is sent this many seconds after
  the payment by a background thread; 0 leaves it to the ``paygate_deliver`` command.
- ``MOTCUA_PAYGATE_IPN_TIMEOUT_S``: timeout of each IPN call.
"""

from motcua.conf.base import public_url as _public_url
from motcua.conf.env import env_bool as _env_bool
from motcua.conf.env import env_float as _env_float
from motcua.conf.env import env_int as _env_int
from motcua.conf.env import env_pairs as _env_pairs
from motcua.conf.env import env_str as _env_str

_DEMO_TMN_CODE = "MOTCUA01"
# A demo secret shared with the bundled simulator; a real merchant's comes from the environment.
_DEMO_HASH_SECRET = "MOTCUADEMOSECRETKHONGDUNGTHAT2026"

# --- Platform side (motcua.payments) ---------------------------------------------------
MOTCUA_PAYMENT_GATEWAY = _env_str(
    "MOTCUA_PAYMENT_GATEWAY", "vnpay", "The gateway citizens pay through."
)
MOTCUA_PAYMENT_GATEWAYS = {
    "vnpay": "motcua.payments.gateways.vnpay.VnpayGateway",
    **_env_pairs(
        "MOTCUA_PAYMENT_GATEWAYS",
        "",
        "Extra gateways as name=dotted.path.ToGatewayClass pairs, comma-separated.",
    ),
}
MOTCUA_VNPAY_PAY_URL = _env_str(
    "MOTCUA_VNPAY_PAY_URL",
    _public_url("/mo-phong/thanh-toan/paymentv2/vpcpay.html"),
    "The VNPay page the citizen is sent to (default: the bundled simulator).",
    doc_default="MOTCUA_PUBLIC_URL + /mo-phong/thanh-toan/paymentv2/vpcpay.html",
)
MOTCUA_VNPAY_API_URL = _env_str(
    "MOTCUA_VNPAY_API_URL",
    _public_url("/mo-phong/thanh-toan/merchant_webapi/api/transaction"),
    "VNPay's merchant API (querydr and refund).",
    doc_default="MOTCUA_PUBLIC_URL + /mo-phong/thanh-toan/merchant_webapi/api/transaction",
)
MOTCUA_VNPAY_TMN_CODE = _env_str(
    "MOTCUA_VNPAY_TMN_CODE", _DEMO_TMN_CODE, "The merchant's terminal code (vnp_TmnCode)."
)
MOTCUA_VNPAY_HASH_SECRET = _env_str(
    "MOTCUA_VNPAY_HASH_SECRET",
    _DEMO_HASH_SECRET,
    "The merchant's secret; the default is the simulator's demo one (refused in production).",
)
MOTCUA_VNPAY_ORDER_TYPE = _env_str(
    "MOTCUA_VNPAY_ORDER_TYPE", "other", "The vnp_OrderType sent with payments."
)
MOTCUA_VNPAY_SERVER_IP = _env_str(
    "MOTCUA_VNPAY_SERVER_IP", "127.0.0.1", "The vnp_IpAddr sent with API calls."
)
MOTCUA_PAYMENT_CONNECT_TIMEOUT_S = _env_float(
    "MOTCUA_PAYMENT_CONNECT_TIMEOUT_S", "3", "Connect timeout of calls to the gateway."
)
MOTCUA_PAYMENT_READ_TIMEOUT_S = _env_float(
    "MOTCUA_PAYMENT_READ_TIMEOUT_S", "10", "Read timeout of calls to the gateway."
)
MOTCUA_PAYMENT_EXPIRE_MINUTES = _env_int(
    "MOTCUA_PAYMENT_EXPIRE_MINUTES",
    "15",
    "Minutes the citizen has to pay at the gateway (vnp_ExpireDate).",
)
MOTCUA_PAYMENT_RECONCILE_AFTER_S = _env_int(
    "MOTCUA_PAYMENT_RECONCILE_AFTER_S",
    "300",
    "reconcile_payments asks the gateway about a payment pending this many seconds.",
)
MOTCUA_PAYMENT_REFUND_MAX_ATTEMPTS = _env_int(
    "MOTCUA_PAYMENT_REFUND_MAX_ATTEMPTS",
    "10",
    "Tries of a gateway refund before it is marked failed.",
)
MOTCUA_PAYMENT_RECEIPT_PREFIX = _env_str(
    "MOTCUA_PAYMENT_RECEIPT_PREFIX", "BL", "The prefix of receipt numbers (BL2026-000123)."
)

# --- Simulator (motcua.paygate) --------------------------------------------------------
MOTCUA_PAYGATE_ENABLED = _env_bool(
    "MOTCUA_PAYGATE_ENABLED", True, "The payment-gateway simulator (off removes its URLs)."
)
MOTCUA_PAYGATE_TMN_CODE = _env_str(
    "MOTCUA_PAYGATE_TMN_CODE", _DEMO_TMN_CODE, "The simulator's demo merchant's terminal code."
)
MOTCUA_PAYGATE_HASH_SECRET = _env_str(
    "MOTCUA_PAYGATE_HASH_SECRET", _DEMO_HASH_SECRET, "The simulator's demo merchant's secret."
)
MOTCUA_PAYGATE_MERCHANT_NAME = _env_str(
    "MOTCUA_PAYGATE_MERCHANT_NAME",
    "Cổng dịch vụ công MotCua (thử nghiệm)",
    "The merchant name the simulator's payment page shows.",
)
MOTCUA_PAYGATE_IPN_PATH = _env_str(
    "MOTCUA_PAYGATE_IPN_PATH",
    "/thanh-toan/ipn/",
    "Where a merchant without an IPN URL is notified, on its return URL's origin.",
)
MOTCUA_PAYGATE_DEFAULT_SCENARIO = _env_str(
    "MOTCUA_PAYGATE_DEFAULT_SCENARIO",
    "normal",
    "How the simulator sends the IPN: normal, twice, late or never.",
)
MOTCUA_PAYGATE_LATE_DELAY_S = _env_float(
    "MOTCUA_PAYGATE_LATE_DELAY_S",
    "0",
    "Seconds before a late IPN is sent by a thread; 0: left to paygate_deliver.",
)
MOTCUA_PAYGATE_IPN_TIMEOUT_S = _env_float(
    "MOTCUA_PAYGATE_IPN_TIMEOUT_S", "5", "Timeout of each simulator IPN call."
)

# --- Platform side: notices anyone can send (motcua.payments) --------------------------
MOTCUA_PAYMENT_NOTICE_RATE = _env_str(
    "MOTCUA_PAYMENT_NOTICE_RATE",
    "120/m",
    "Notices per source address the IPN URL takes (<n>/<s|m|h|d>); empty: no limit.",
).strip()
MOTCUA_PAYMENT_REJECTED_KEEP_DAYS = _env_int(
    "MOTCUA_PAYMENT_REJECTED_KEEP_DAYS",
    "90",
    "Days the daily counts of payment notices with a wrong signature are kept.",
)
