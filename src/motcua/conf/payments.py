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

import os as _os

from motcua.settings import env_bool as _env_bool


def _env_pairs(name: str) -> dict[str, str]:
    pairs = {}
    for item in _os.environ.get(name, "").split(","):
        if "=" in item:
            key, value = item.split("=", 1)
            pairs[key.strip()] = value.strip()
    return pairs


_DEMO_TMN_CODE = "MOTCUA01"
# A demo secret shared with the bundled simulator; a real merchant's comes from the environment.
_DEMO_HASH_SECRET = "MOTCUADEMOSECRETKHONGDUNGTHAT2026"

# --- Platform side (motcua.payments) ---------------------------------------------------
MOTCUA_PAYMENT_GATEWAY = _os.environ.get("MOTCUA_PAYMENT_GATEWAY", "vnpay")
MOTCUA_PAYMENT_GATEWAYS = {
    "vnpay": "motcua.payments.gateways.vnpay.VnpayGateway",
    **_env_pairs("MOTCUA_PAYMENT_GATEWAYS"),
}
MOTCUA_VNPAY_PAY_URL = _os.environ.get(
    "MOTCUA_VNPAY_PAY_URL", "http://127.0.0.1:8000/mo-phong/thanh-toan/paymentv2/vpcpay.html"
)
MOTCUA_VNPAY_API_URL = _os.environ.get(
    "MOTCUA_VNPAY_API_URL",
    "http://127.0.0.1:8000/mo-phong/thanh-toan/merchant_webapi/api/transaction",
)
MOTCUA_VNPAY_TMN_CODE = _os.environ.get("MOTCUA_VNPAY_TMN_CODE", _DEMO_TMN_CODE)
MOTCUA_VNPAY_HASH_SECRET = _os.environ.get("MOTCUA_VNPAY_HASH_SECRET", _DEMO_HASH_SECRET)
MOTCUA_VNPAY_ORDER_TYPE = _os.environ.get("MOTCUA_VNPAY_ORDER_TYPE", "other")
MOTCUA_VNPAY_SERVER_IP = _os.environ.get("MOTCUA_VNPAY_SERVER_IP", "127.0.0.1")
MOTCUA_PAYMENT_CONNECT_TIMEOUT_S = float(_os.environ.get("MOTCUA_PAYMENT_CONNECT_TIMEOUT_S", "3"))
MOTCUA_PAYMENT_READ_TIMEOUT_S = float(_os.environ.get("MOTCUA_PAYMENT_READ_TIMEOUT_S", "10"))
MOTCUA_PAYMENT_EXPIRE_MINUTES = int(_os.environ.get("MOTCUA_PAYMENT_EXPIRE_MINUTES", "15"))
MOTCUA_PAYMENT_RECONCILE_AFTER_S = int(_os.environ.get("MOTCUA_PAYMENT_RECONCILE_AFTER_S", "300"))
MOTCUA_PAYMENT_REFUND_MAX_ATTEMPTS = int(
    _os.environ.get("MOTCUA_PAYMENT_REFUND_MAX_ATTEMPTS", "10")
)
MOTCUA_PAYMENT_RECEIPT_PREFIX = _os.environ.get("MOTCUA_PAYMENT_RECEIPT_PREFIX", "BL")

# --- Simulator (motcua.paygate) --------------------------------------------------------
MOTCUA_PAYGATE_ENABLED = _env_bool("MOTCUA_PAYGATE_ENABLED", True)
MOTCUA_PAYGATE_TMN_CODE = _os.environ.get("MOTCUA_PAYGATE_TMN_CODE", _DEMO_TMN_CODE)
MOTCUA_PAYGATE_HASH_SECRET = _os.environ.get("MOTCUA_PAYGATE_HASH_SECRET", _DEMO_HASH_SECRET)
MOTCUA_PAYGATE_MERCHANT_NAME = _os.environ.get(
    "MOTCUA_PAYGATE_MERCHANT_NAME", "Cổng dịch vụ công MotCua (thử nghiệm)"
)
MOTCUA_PAYGATE_IPN_PATH = _os.environ.get("MOTCUA_PAYGATE_IPN_PATH", "/thanh-toan/ipn/")
MOTCUA_PAYGATE_DEFAULT_SCENARIO = _os.environ.get("MOTCUA_PAYGATE_DEFAULT_SCENARIO", "normal")
MOTCUA_PAYGATE_LATE_DELAY_S = float(_os.environ.get("MOTCUA_PAYGATE_LATE_DELAY_S", "0"))
MOTCUA_PAYGATE_IPN_TIMEOUT_S = float(_os.environ.get("MOTCUA_PAYGATE_IPN_TIMEOUT_S", "5"))
