class FeedbackError(Exception):
    """A PAKN action refused; ``message`` says why, in Vietnamese."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
