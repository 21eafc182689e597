"""CKAN's errors as exceptions, each with the HTTP status and `__type` CKAN answers with
(ckan/views/api.py). The words before the first ": " are CKAN's own and stay in English:
clients such as ckanapi cut them off; what follows is ours and translated."""

from __future__ import annotations


class ActionError(Exception):
    status = 500
    kind = "Internal Server Error"
    prefix = "Internal Server Error"

    def __init__(self, detail: str = ""):
        super().__init__(detail)
        self.detail = detail

    def body(self) -> dict:
        message = f"{self.prefix}: {self.detail}" if self.detail else self.prefix
        return {"message": message, "__type": self.kind}


class NotFound(ActionError):
    status = 404
    kind = "Not Found Error"
    prefix = "Not found"


class NotAuthorized(ActionError):
    status = 403
    kind = "Authorization Error"
    prefix = "Access denied"


class SearchQueryError(ActionError):
    status = 400
    kind = "Search Query Error"
    prefix = "Search Query is invalid"


class ValidationError(ActionError):
    """CKAN's one error without `message`: the fields, each with its list of messages."""

    status = 409
    kind = "Validation Error"

    def __init__(self, fields: dict[str, list | dict]):
        super().__init__(str(fields))
        self.fields = fields

    def body(self) -> dict:
        return {**self.fields, "__type": self.kind}


class BadRequest(Exception):
    """Answered with a bare JSON string, as CKAN does for a request it cannot dispatch."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text
