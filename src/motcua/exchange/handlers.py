"""PLACEHOLDER owned by helper "xdom" (the domain half): replaced by theirs at merge.

``apply(message: InMessage) -> dict`` dispatches on ``message.type`` and returns the
acknowledgement sent back to the peer (see ``exchange.inbox``). The transport's tests
replace ``apply`` with a handler of their own.
"""


def apply(message):
    raise NotImplementedError("exchange.handlers.apply is implemented by the domain half")
