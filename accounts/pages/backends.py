"""The authentication backends of the password form (AUTHENTICATION_BACKENDS).

Both run behind django-axes' backend, so that failed passwords, local or LDAP, count towards the
same lockout. `LocalPasswordBackend` is Django's ModelBackend that refuses every password when
LOCAL_LOGIN_ENABLED=0 (it still finds the signed-in user of a session, however they signed
in). `DirectoryBackend` is django-auth-ldap's backend: it binds as the person, then applies
SSO_ROLE_MAP and SSO_EMPLOYEE_MATCH to their groups and attributes at every sign-in. A local
login of the same username is taken over (django-auth-ldap's way), except an administrator's
(staff or superuser), which the directory never signs in.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django_auth_ldap.backend import LDAPBackend, _LDAPUser

from accounts import services
from accounts.policies import LDAP, DirectoryPerson


class LocalPasswordBackend(ModelBackend):
    def authenticate(
        self,
        request: Any,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if not settings.LOCAL_LOGIN_ENABLED:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def _first(attrs: Any, name: str) -> str:
    """The first value of an attribute (django-auth-ldap's names are case-insensitive)."""
    values = (attrs or {}).get(name) or []
    return str(values[0]).strip() if values else ""


def ldap_person(ldap_user: _LDAPUser) -> DirectoryPerson:
    """What LDAP says of a person: their groups' DNs and names, employee number and e-mail."""
    groups: set[str] = set()
    if getattr(settings, "AUTH_LDAP_GROUP_SEARCH", None) is not None:
        groups = set(ldap_user.group_dns) | set(ldap_user.group_names)
    attrs = ldap_user.attrs
    return DirectoryPerson(
        method=LDAP,
        groups=frozenset(groups),
        employee_no=_first(attrs, getattr(settings, "LDAP_EMPLOYEE_NO_ATTR", "employeeNumber")),
        email=_first(attrs, getattr(settings, "LDAP_EMAIL_ATTR", "mail")),
    )


class DirectoryBackend(LDAPBackend):
    def authenticate_ldap_user(self, ldap_user: _LDAPUser, password: str) -> Any:
        username = self.ldap_to_django_username(ldap_user._username)
        local = User.objects.filter(username__iexact=username).first()
        if local is not None and (local.is_staff or local.is_superuser):
            # A local administrator's login is never taken over by a directory account of the
            # same name: they sign in with their own password.
            return None
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is not None:
            services.directory_sign_in(user=user, person=ldap_person(ldap_user))
        return user
