"""Who may call an endpoint, before the per-object role rules of the services and selectors.

* `HrApi` (the default, with IsAuthenticated): anything but a payroll-scoped token. A payroll
  token gets 403 `insufficient_scope`; everyone else goes on to the usual role checks
  (`roles_of(request.user)`). The payroll feed has its own (`payroll.permissions`).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from clients.models import ApiToken, Scope


class HrApi(BasePermission):
    code = "insufficient_scope"
    message = _("This token's scope does not allow this request: it may only read payroll scores.")

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        return not (isinstance(token, ApiToken) and token.scope != Scope.HR)
