"""The REST API's shared parts: authentication, permissions, throttling, parsers, the error
shape and the schema helpers. The endpoints live with their apps (`<app>/api.py`)."""
