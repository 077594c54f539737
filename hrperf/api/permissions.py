"""Who may call an endpoint, before the per-object role rules of the services and selectors.

* `HrApi` (the default, with IsAuthenticated): anything but a payroll-scoped token. A payroll
  token gets 403 `insufficient_scope`; everyone else goes on to the usual role checks
  (`roles_of(request.user)`).
* `PayrollReader`: a token of scope payroll or hr, or a session user with the HR role.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from clients.models import ApiToken, Scope
from hrperf.lib.roles import roles_of


class HrApi(BasePermission):
    code = "insufficient_scope"
    message = _("This token's scope does not allow this request: it may only read payroll scores.")

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        return not (isinstance(token, ApiToken) and token.scope != Scope.HR)


class PayrollReader(BasePermission):
    code = "not_allowed"
    message = _("Only HR and payroll clients may read the payroll scores.")

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if isinstance(token, ApiToken):
            return token.scope in (Scope.PAYROLL, Scope.HR)
        user = request.user
        return bool(user and user.is_authenticated and roles_of(user).is_hr)
