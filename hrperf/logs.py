"""The log's filters (settings.LOGGING).

A refused request (a 4xx) is the client's business, not a fault of the product: Django logs it
with the exception that caused it, whose traceback says nothing useful.
`ClientErrorsWithoutTraceback` keeps its one line and drops the traceback; a 5xx keeps it.
"""

from __future__ import annotations

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
