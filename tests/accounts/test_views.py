"""Signing in: the lockout after repeated failures on the login page and the admin's, its
message, and HR's page that lists and unlocks locked sign-ins."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse

from tests.helpers.personas import PASSWORD
from tests.helpers.signin import WRONG_PASSWORD, fail_sign_ins, sign_in, signed_in

pytestmark = pytest.mark.django_db

ClientFor = Callable[[str | None], Client]
OTHERS = ["director", "head", "employee", "other_employee", "outsider"]


def test_sixty_wrong_passwords_then_the_right_one_is_refused(personas) -> None:
    browser = Client()
    fail_sign_ins(browser, "hr", 60)

    response = sign_in(browser, "hr")

    assert response.status_code == 429
    assert not signed_in(browser)


def test_the_fifth_failure_locks_the_username_from_anywhere(personas) -> None:
    fail_sign_ins(Client(REMOTE_ADDR="10.0.0.1"), "hr", 4)
    fail_sign_ins(Client(REMOTE_ADDR="10.0.0.2"), "hr", 1)

    response = sign_in(Client(REMOTE_ADDR="10.0.0.3"), "hr")

    assert response.status_code == 429
    assert AccessAttempt.objects.filter(username="hr").exists()


def test_a_right_password_before_the_limit_signs_in_and_clears_the_failures(personas) -> None:
    browser = Client()
    fail_sign_ins(browser, "hr", 4)

    response = sign_in(browser, "hr")

    assert response.status_code == 302 and signed_in(browser)
    assert not AccessAttempt.objects.filter(username="hr").exists()


def test_one_address_trying_many_usernames_is_locked_out(personas) -> None:
    attacker = Client(REMOTE_ADDR="10.9.9.9")
    for number in range(20):
        fail_sign_ins(attacker, f"guess{number}", 1)

    response = sign_in(attacker, "director")

    assert response.status_code == 429
    assert not signed_in(attacker)
    # Someone else, elsewhere, still signs in.
    assert sign_in(Client(REMOTE_ADDR="10.1.1.1"), "director").status_code == 302


def test_the_lockout_message_says_when_to_try_again_in_chinese(personas) -> None:
    browser = Client()
    fail_sign_ins(browser, "hr", 5)

    page = sign_in(browser, "hr").content.decode()

    assert "登录失败次数过多" in page
    assert "人力资源部" in page and "解锁" in page
    assert 'id="id_username"' in page  # the login page, not a bare error


def test_the_lockout_message_says_when_to_try_again_in_english(personas) -> None:
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    fail_sign_ins(browser, "hr", 5)

    response = sign_in(browser, "hr")
    page = response.content.decode()

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 30 * 60
    assert "Too many failed sign-ins" in page
    assert "ask HR to unlock" in page
    assert "30 minutes" in page
    assert "Please enter a correct" not in page


@override_settings(LOGIN_FAILURE_LIMIT=3, AXES_FAILURE_LIMIT=3)
def test_the_limit_follows_the_settings(personas) -> None:
    browser = Client()
    fail_sign_ins(browser, "hr", 3)

    assert sign_in(browser, "hr").status_code == 429


def test_the_admin_login_is_locked_too(personas) -> None:
    User.objects.create_superuser("root", password=PASSWORD)
    browser = Client()
    admin_login = reverse("admin:login")
    fail_sign_ins(browser, "root", 60, url=admin_login)

    response = browser.post(admin_login, {"username": "root", "password": PASSWORD})

    assert response.status_code == 429
    assert not signed_in(browser)
    assert (
        "Too many failed sign-ins"
        in Client(HTTP_ACCEPT_LANGUAGE="en")
        .post(admin_login, {"username": "root", "password": PASSWORD})
        .content.decode()
    )


def test_the_admin_lists_and_deletes_failed_sign_ins(personas) -> None:
    root = User.objects.create_superuser("root", password=PASSWORD)
    fail_sign_ins(Client(), "hr", 5)
    admin = Client()
    admin.force_login(root)

    assert "hr" in admin.get(reverse("admin:axes_accessattempt_changelist")).content.decode()


# -- HR's page of locked sign-ins ------------------------------------------------------------


@pytest.mark.parametrize("persona", OTHERS)
def test_the_lockouts_page_is_forbidden_to_anyone_but_hr(
    client_for: ClientFor, persona: str
) -> None:
    browser = client_for(persona)
    fail_sign_ins(Client(), "someone", 5)

    assert browser.get(reverse("accounts:lockouts")).status_code == 403
    response = browser.post(reverse("accounts:lockouts"), {"kind": "username", "value": "someone"})
    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username="someone").exists()


def test_the_lockouts_page_sends_an_anonymous_visitor_to_the_login_page(personas) -> None:
    response = Client().get(reverse("accounts:lockouts"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_hr_sees_a_locked_username_and_unlocks_it(client_for: ClientFor) -> None:
    fail_sign_ins(Client(), "employee", 5)
    hr = client_for("hr")
    listing = hr.get(reverse("accounts:lockouts"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "employee" in listing and "Unlock" in listing

    response = hr.post(reverse("accounts:lockouts"), {"kind": "username", "value": "employee"})

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="employee").exists()
    browser = Client()
    assert sign_in(browser, "employee").status_code == 302 and signed_in(browser)


def test_hr_unlocks_an_address(client_for: ClientFor) -> None:
    attacker = Client(REMOTE_ADDR="10.9.9.9")
    for number in range(20):
        fail_sign_ins(attacker, f"guess{number}", 1)
    hr = client_for("hr")
    assert "10.9.9.9" in hr.get(reverse("accounts:lockouts")).content.decode()

    hr.post(reverse("accounts:lockouts"), {"kind": "address", "value": "10.9.9.9"})

    assert sign_in(attacker, "director").status_code == 302


def test_an_unlock_of_nothing_locked_says_so_and_changes_nothing(client_for: ClientFor) -> None:
    response = client_for("hr").post(
        reverse("accounts:lockouts"), {"kind": "kind-of-nothing", "value": ""}, follow=True
    )

    assert response.status_code == 200
    assert response.redirect_chain == []  # the page again, with the form's error


def test_the_unlock_needs_the_csrf_token(personas) -> None:
    hr = Client(enforce_csrf_checks=True)
    hr.force_login(personas["hr"])

    response = hr.post(reverse("accounts:lockouts"), {"kind": "username", "value": "x"})

    assert response.status_code == 403


def test_the_nav_links_to_the_lockouts_page_for_hr_only(client_for: ClientFor) -> None:
    link = f'href="{reverse("accounts:lockouts")}"'
    assert link in client_for("hr").get(reverse("departments:roster")).content.decode()
    assert link not in client_for("director").get(reverse("departments:roster")).content.decode()


def test_a_wrong_password_alone_shows_the_usual_error(personas) -> None:
    response = Client().post(reverse("login"), {"username": "hr", "password": WRONG_PASSWORD})

    assert response.status_code == 200
