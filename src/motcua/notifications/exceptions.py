class DeliveryError(Exception):
    """Sending failed for now; the outbox tries again later."""


class PermanentDeliveryError(DeliveryError):
    """Sending can never succeed (e.g. the provider rejects the number): no more retries."""
