"""The authorization matrix: every page and API endpoint, requested as every principal
against the objects of each side, must allow exactly whom ``routes.py`` says.

The route list comes from the URL configuration and the OpenAPI document, so a new
endpoint that nobody classified fails ``test_every_route_is_classified``.
"""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.test import Client, override_settings
from django.urls import Resolver404, resolve, reverse

from motcua.agencies.models import Membership

from . import matrix
from .admin_routes import admin_entries
from .inventory import api_operations, web_routes
from .routes import API, WEB

pytestmark = pytest.mark.django_db

ENTRIES = WEB + admin_entries() + API
API_KEYS = {entry.key for entry in API}


def test_every_route_is_classified():
    classified = {entry.route for entry in ENTRIES}
    missing = sorted(key for key in [*web_routes(), *api_operations()] if key not in classified)
    assert not missing, "new endpoint not in the authorization matrix: " + ", ".join(missing)


def test_no_entry_names_a_route_that_is_gone():
    known = set(web_routes()) | set(api_operations())
    stale = sorted({entry.route for entry in ENTRIES} - known)
    assert not stale, f"the matrix classifies routes that no longer exist: {stale}"


def _url(world, entry, side) -> str:
    kwargs = entry.kwargs(world, side) if entry.kwargs else {}
    if entry.path:
        url = entry.path(world, side)
    elif entry.key in API_KEYS:
        url = entry.route.split(" ", 1)[1].format(**kwargs)
    else:
        url = reverse(entry.route, kwargs=kwargs or None)
    return url + (entry.query(world, side) if entry.query else "")


def _request(call, world, entry, principal, side_name, method):
    side = world.sides[side_name] if side_name else None
    url = _url(world, entry, side)
    data = entry.data(world, side) if entry.data else None
    headers = dict(entry.headers)
    if entry.key not in API_KEYS:
        if method == "POST":
            return call(principal, method, url, data=data or {}, headers=headers)
        return call(principal, method, url, headers=headers)
    if method != "GET":
        headers["Idempotency-Key"] = str(uuid.uuid4())
    if entry.multipart:
        return call(principal, method, url, api=True, data=data, headers=headers)
    if data is None:
        return call(principal, method, url, api=True, headers=headers)
    return call(
        principal,
        method,
        url,
        api=True,
        data=json.dumps(data),
        content_type="application/json",
        headers=headers,
    )


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.key)
def test_access(entry, world, call):
    principals = entry.principals or (
        matrix.API_PRINCIPALS if entry.key in API_KEYS else matrix.WEB_PRINCIPALS
    )
    problems = []
    with override_settings(**dict(entry.settings)):
        for side in entry.sides or (None,):
            for principal in principals:
                expected = "allow" if entry.rule.allows(principal, side) else "deny"
                for method in entry.methods:
                    response = _request(call, world, entry, principal, side, method)
                    try:
                        got = matrix.verdict(response)
                    except matrix.Unexpected:
                        got = f"error {response.status_code}"
                    if got != expected:
                        problems.append(
                            f"{method} as {principal} on {side or '-'}: expected {expected}, "
                            f"got {got} ({response.status_code} "
                            f"{response.get('Location', '')})".rstrip()
                        )
    assert not problems, f"{entry.key} [{entry.rule.name}]:\n  " + "\n  ".join(problems)


# --- Object ids in URLs ----------------------------------------------------------------

# URL parameters that are not object ids, or ids that are not guessable by design.
NOT_AN_ID = {
    "code": "a procedure's public code (the national catalogue's)",
    "token": "a signed result's verification token: secrets.token_urlsafe(24), in its QR code",
    "action": "the name of a workflow action",
    "registry": "the name of a national database (registry simulator, API key required)",
    "subject": "the identifier looked up in the registry simulator (API key required)",
    "form_number": "the number of an official form of Circular 03/2025/TT-VPCP (01–06)",
    "sha256": "a file's content hash (exchange, signed by a peer, only files of linked dossiers)",
}
# Sequential integer ids allowed in a URL, and why that is safe.
INTEGER_ID_ALLOWED = {
    ("backoffice:apology_decide", "pk"): "under the dossier's UUID and checked to belong to it",
    ("backoffice:apology_print", "pk"): "under the dossier's UUID and checked to belong to it",
    ("monitoring:plan", "pk"): "an agency's published plan; officers in reach only",
}
ADMIN_PREFIX = "quan-tri/"  # staff only: Django's admin addresses objects by pk


def test_object_ids_in_urls_are_uuids_tokens_or_public_codes():
    unsafe = []
    for route in web_routes().values():
        if route.pattern.startswith(ADMIN_PREFIX):
            continue
        for name, converter in route.converters.items():
            if converter == "uuid" or name in NOT_AN_ID:
                continue
            if (route.key, name) in INTEGER_ID_ALLOWED:
                continue
            unsafe.append(f"{route.key}: <{converter}:{name}>")
    for key, operation in api_operations().items():
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "path" or parameter["name"] in NOT_AN_ID:
                continue
            if parameter["schema"].get("format") != "uuid":
                unsafe.append(f"{key}: {{{parameter['name']}}}")
    assert not unsafe, f"guessable object ids in URLs: {unsafe}"


def test_the_allowed_integer_ids_still_exist():
    routes = web_routes()
    gone = [
        key
        for key in INTEGER_ID_ALLOWED
        if key[0] not in routes or key[1] not in routes[key[0]].converters
    ]
    assert not gone, f"listed as allowed integer ids but no longer in the URLs: {gone}"


def test_result_tokens_are_long_random_strings(world):
    tokens = {world.sides[side].result_token for side in ("a", "b")}
    assert len(tokens) == 2 and all(len(token) >= 32 for token in tokens)


def _with_integer(pattern: str, number: int) -> str:
    return "/" + re.sub(r"<(?:\w+:)?\w+>", str(number), pattern)


def test_the_integer_pk_of_a_dossier_opens_nothing(world, call):
    """Every URL with an object parameter, given the dossier's integer pk instead, either
    does not resolve or is refused, to its owner, its agency's officer and the superuser."""
    number = world.sides["a"].dossier.pk
    attempts = []
    for route in web_routes().values():
        if not route.converters or route.pattern.startswith(ADMIN_PREFIX):
            continue
        if any((route.key, name) in INTEGER_ID_ALLOWED for name in route.converters):
            continue
        path = _with_integer(route.pattern, number)
        try:
            resolve(path)
        except Resolver404:
            continue
        attempts.append(("GET", path, False))
    for key in api_operations():
        method, path = key.split(" ", 1)
        if "{" in path:
            attempts.append((method, re.sub(r"\{\w+\}", str(number), path), True))
    opened = []
    for method, path, api in attempts:
        extra = {}
        if api and method != "GET":  # a JSON body, as the API takes
            extra = {"data": "{}", "content_type": "application/json"}
            extra["headers"] = {"Idempotency-Key": str(uuid.uuid4())}
        for principal in ("citizen_a", "desk_x", "superuser"):
            response = call(principal, method, path, api=api, **extra)
            if response.status_code not in (401, 403, 404, 405, 422):
                opened.append(f"{method} {path} as {principal}: {response.status_code}")
    assert attempts and not opened, opened


# --- What the agency administrator can do with it -------------------------------------


def _admin_client(world) -> Client:
    client = Client(raise_request_exception=False)
    for key, value in world.cookies["agency_admin_x"].items():
        client.cookies[key] = value
    return client


def test_an_agency_admin_cannot_give_themselves_a_role_in_another_agency(world):
    me, other = world.users["agency_admin_x"], world.agencies["y"]
    _admin_client(world).post(
        "/quan-tri/agencies/membership/add/",
        {"user": me.pk, "agency": other.pk, "role": "desk_officer", "_save": "1"},
    )
    assert not Membership.objects.filter(user=me, agency=other).exists()


def test_an_agency_admin_cannot_move_another_agency_under_their_own(world):
    x, y = world.agencies["x"], world.agencies["y"]
    _admin_client(world).post(
        f"/quan-tri/agencies/agency/{y.pk}/change/",
        {"code": y.code, "name": y.name, "kind": y.kind, "parent": x.pk, "_save": "1"},
    )
    y.refresh_from_db()
    assert y.parent_id == world.agencies["q"].pk


def test_docs_show_the_current_matrix():
    from . import docs

    assert docs.current() == docs.render(), (
        "docs/AUTHZ.md is out of date: DJANGO_SETTINGS_MODULE=motcua.settings "
        "PYTHONPATH=src:. .venv/bin/python -m tests.authz.docs"
    )


# --- Holes 1 and 7: the catalogue, the calendar and role grants ------------------------


def _post_action(world, model: str, action: str, pk: int):
    return _admin_client(world).post(
        f"/quan-tri/catalog/{model}/", {"action": action, "_selected_action": [pk]}
    )


def test_an_agency_admin_cannot_make_a_version_of_another_agencys_procedure(world):
    from motcua.catalog.models import ProcedureVersion

    y = world.agencies["y"]
    _post_action(world, "procedureversion", "new_draft", world.version_of[y.pk])
    assert not ProcedureVersion.objects.filter(
        procedure_id=world.procedure_of[y.pk], number=2
    ).exists()


def test_an_agency_admin_cannot_make_a_version_of_a_procedure_shared_with_another(world):
    _post_action(world, "procedureversion", "new_draft", world.version.pk)
    assert world.version.procedure.versions.count() == 1


def test_an_agency_admin_cannot_grant_themselves_a_role_in_their_own_agency(world):
    me, x = world.users["agency_admin_x"], world.agencies["x"]
    _admin_client(world).post(
        "/quan-tri/agencies/membership/add/",
        {"user": me.pk, "agency": x.pk, "role": "leader", "_save": "1"},
    )
    assert not Membership.objects.filter(user=me, role="leader").exists()


@pytest.mark.parametrize("grantee", ["citizen_a", "desk_y"])
def test_an_agency_admin_grants_roles_only_to_their_agencys_officers(world, grantee):
    user, x = world.users[grantee], world.agencies["x"]
    _admin_client(world).post(
        "/quan-tri/agencies/membership/add/",
        {"user": user.pk, "agency": x.pk, "role": "specialist", "_save": "1"},
    )
    assert not Membership.objects.filter(user=user, agency=x).exists()


def test_an_agency_admin_cannot_add_a_day_off_to_the_national_calendar(world):
    from motcua.workdays.models import CalendarOverride

    _admin_client(world).post(
        "/quan-tri/workdays/calendaroverride/add/",
        {"date": "2099-12-30", "kind": "day_off", "reason": "Nghỉ", "_save": "1"},
    )
    assert not CalendarOverride.objects.filter(date="2099-12-30").exists()
