"""Errors of the results app. A ResultError is a DossierError, so the screens that act
on dossiers show its Vietnamese message like any other refused action."""

from motcua.dossiers.exceptions import DossierError


class ResultError(DossierError):
    def __init__(self, message: str, code: str = "result_error"):
        super().__init__(message, code=code)
