"""Forms of the notification pages. They only collect input: the services check it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from hrperf.lib import people
from notifications.models import Delivery, Preference, Robot
from notifications.robots import Platform


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label=_("Tell me by email"), required=False)
    robot = forms.BooleanField(
        label=_("Tell me through my personal robot"),
        required=False,
        help_text=_("HR sets up a personal robot in Feishu, DingTalk or WeCom for you."),
    )
    mode = forms.ChoiceField(
        label=_("When"), choices=Preference.Mode.choices, widget=forms.RadioSelect
    )
    quiet_from = forms.TimeField(
        label=_("Quiet from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_until = forms.TimeField(
        label=_("Quiet until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Nothing is sent in these hours; what comes then waits until they end."),
    )
    language = forms.ChoiceField(label=_("Language of the messages"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, has_robot: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not has_robot:
            self.fields["robot"].disabled = True
            self.fields["robot"].help_text = _(
                "You have no personal robot yet: HR can set one up for you."
            )


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return people.person(obj)


class RobotForm(forms.Form):
    name = forms.CharField(
        label=_("Robot name"), max_length=100, help_text=_("For example 人力资源部群.")
    )
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    url = forms.CharField(
        label=_("Robot address (webhook URL)"),
        max_length=500,
        help_text=_(
            "Copy it from the robot's settings in the chat: "
            "https://open.feishu.cn/open-apis/bot/v2/hook/…, "
            "https://oapi.dingtalk.com/robot/send?access_token=…, or "
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
        ),
    )
    secret = forms.CharField(
        label=_("Signing secret"),
        required=False,
        max_length=200,
        help_text=_(
            "Feishu's signature check (签名校验) or DingTalk's signing (加签) secret; "
            "WeCom robots have none."
        ),
    )
    audience = forms.ChoiceField(label=_("Tells"), choices=Robot.Audience.choices)
    person = PersonChoice(
        label=_("Person (for a personal robot)"),
        required=False,
        queryset=get_user_model()
        .objects.filter(is_active=True)
        .select_related("employee")
        .order_by("last_name", "first_name", "pk"),
    )
    language = forms.ChoiceField(
        label=_("Language of the messages"), choices=settings.LANGUAGES, required=False
    )


class DeliveryFilter(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Delivery.Status.choices],
    )
    route = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("Any channel")), ("email", _("Email")), *Platform.choices],
    )
