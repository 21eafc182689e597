"""Helpers for responses the test client leaves open."""

from django.core.signals import request_finished
from django.db import close_old_connections


def close(response) -> None:
    """Close a streamed (file) response without ending the test's database connection.

    `HttpResponse.close()` sends `request_finished`, whose `close_old_connections`
    receiver would close the connection a rolled-back test is running in; the test client
    detaches that receiver in the same way while it serves a request.
    """
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def body(response) -> bytes:
    """The whole body of a streamed response, which is then closed."""
    data = b"".join(response.streaming_content)
    close(response)
    return data
