"""Who may read the payroll feed: a token of scope payroll or hr, or a session user with the
HR role."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from clients.models import ApiToken, Scope
from hrperf.lib.roles import roles_of


class PayrollReader(BasePermission):
    code = "not_allowed"
    message = _("Only HR and payroll clients may read the payroll scores.")

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if isinstance(token, ApiToken):
            return token.scope in (Scope.PAYROLL, Scope.HR)
        user = request.user
        return bool(user and user.is_authenticated and roles_of(user).is_hr)
