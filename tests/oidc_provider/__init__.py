"""A real OpenID Connect provider for the sign-in tests, in a process of its own: a tiny Django
project on django-oauth-toolkit (a test-only dependency, never in the product's INSTALLED_APPS),
with discovery, ID tokens signed with RS256, a user info endpoint and a login page.
`serve.py` starts it on 127.0.0.1 and a port given in its environment; the fixture in
tests/fixtures/directories.py starts and stops it."""
