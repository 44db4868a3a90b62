"""The expected authorization of every page and API endpoint: the matrix's table.

``WEB`` is keyed by URL name (``namespace:name``), ``API`` by ``METHOD /api/v1/path``
as in the OpenAPI document; ``[…]`` after a key names a variant (another action,
another query). The Django admin's routes are classified in ``admin_routes.py``. A route
that is in the URL configuration or the API schema but in none of these is a failure of
``test_every_route_is_classified``.

To add a route: add an ``Entry`` with its
rule (``matrix.py``), the sides whose objects it is requested with, and how to fill its
URL; then regenerate docs/AUTHZ.md (``python -m tests.authz.docs``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .matrix import (
    AGENT,
    CITIZEN,
    CROSS_CHECK,
    DESK,
    DESK_ANYWHERE,
    FILER,
    IN_REACH,
    LEADER,
    NOBODY,
    OFFICER,
    OWNER,
    PLANS,
    PUBLIC,
    RANKS,
    SIGNED,
    SIGNED_IN,
    SPECIALIST,
    STAFF,
    SUPERVISOR,
    Rule,
    acting,
)
from .world import PIDS, PROCEDURE, pdf

AB = ("a", "b")
ALL = ("a", "b", "a_draft")


@dataclass(frozen=True)
class Entry:
    key: str
    rule: Rule
    methods: tuple[str, ...] = ("GET",)
    sides: tuple[str, ...] = ()  # () → no object: requested once
    kwargs: Callable[[Any, Any], dict] | None = None  # (world, side) → URL parameters
    query: Callable[[Any, Any], str] | None = None
    data: Callable[[Any, Any], Any] | None = None  # POST body (a dict, or JSON for the API)
    multipart: bool = False
    settings: tuple[tuple[str, Any], ...] = ()
    path: Callable[[Any, Any], str] | None = None  # for unnamed routes (keyed by pattern)
    headers: tuple[tuple[str, str], ...] = ()
    principals: tuple[str, ...] | None = None  # None: every principal of its kind

    @property
    def route(self) -> str:
        return self.key.split("[", 1)[0]


def dossier(w, s):
    return {"public_id": s.dossier.public_id}


def attachment(w, s):
    return {"public_id": s.dossier.public_id, "attachment_id": s.attachment.public_id}


def agency_of(w, s):
    return "?agency=" + (w.agencies["x"] if s is w.sides["a"] else w.agencies["y"]).code


def pakn(w, s):
    return {"public_id": s.feedback.public_id}


def pakn_file(w, s):
    return {**pakn(w, s), "attachment_id": s.feedback.attachments.first().public_id}


def code(w, s):
    return {"code": PROCEDURE}


# The workflow actions and the roles that may do them (dossiers/workflow.py's actions as
# the back office offers them); step-bound ones also need the current step's role.
ACTIONS: dict[str, tuple[str, ...]] = {
    "receive": (DESK,),
    "refuse_intake": (DESK,),
    "start_processing": (DESK, SPECIALIST),
    "assign": (LEADER, SPECIALIST, DESK),
    "give_opinion": (SPECIALIST,),
    "forward": (DESK, SPECIALIST, LEADER),
    "request_supplement": (DESK, SPECIALIST),
    "provide_supplement": (DESK, SPECIALIST),
    "approve": (LEADER,),
    "refuse": (LEADER,),
    "transfer": (LEADER, DESK),
    "accept_transfer": (DESK,),
    "issue_result": (DESK,),
    "return_result": (DESK,),
}
STEP_BOUND = {"give_opinion", "forward", "approve"}
# The API goes through the same role check: one action per kind of rule is requested
# there (desk, leader, step-bound, open to connected systems or not).
API_ACTIONS = ("receive", "give_opinion", "approve", "transfer", "issue_result")


def _action_rule(action: str) -> Rule:
    return acting(*ACTIONS[action], step_bound=action in STEP_BOUND, forward=action == "forward")


# The result's preview: who issues it (the desk) or approves it (the leader at its step).
PREVIEWING = Rule(
    "previewing",
    "DESK of the object's agency, or its LEADER holding the current step's role",
    lambda p, s: acting(DESK).test(p, s) or acting(LEADER, step_bound=True).test(p, s),
)
E = Entry
WEB: list[Entry] = [
    # Django's sign-in and sign-out (officers).
    E("login", PUBLIC, ("GET", "POST")),
    E("logout", PUBLIC, ("POST",)),
    # The back office (/mot-cua/).
    E("backoffice:queue", OFFICER),
    E("backoffice:received_for_others", OFFICER),
    E("backoffice:dossier", IN_REACH, sides=ALL, kwargs=dossier),
    E("backoffice:intake", DESK_ANYWHERE, ("GET", "POST")),
    E("backoffice:receipt", IN_REACH, sides=AB, kwargs=dossier),
    *[
        E(
            f"backoffice:act[{action}]",
            _action_rule(action),
            ("POST",),
            AB,
            kwargs=lambda w, s, action=action: {**dossier(w, s), "action": action},
        )
        for action in ACTIONS
    ],
    E("backoffice:result_preview", PREVIEWING, ("GET", "POST"), AB, dossier),
    E("backoffice:result_preview_pdf", PREVIEWING, sides=AB, kwargs=dossier),
    E("backoffice:apology_draft", acting(DESK, SPECIALIST, LEADER), ("POST",), AB, dossier),
    E(
        "backoffice:apology_decide",
        acting(LEADER),
        ("POST",),
        AB,
        kwargs=lambda w, s: {**dossier(w, s), "pk": s.apology},
    ),
    E(
        "backoffice:apology_print",
        IN_REACH,
        sides=AB,
        kwargs=lambda w, s: {**dossier(w, s), "pk": s.apology},
    ),
    # The official forms (Circular 03/2025/TT-VPCP, Appendix I): 01 applies to every
    # received dossier of the world; the register is every officer's, scoped inside.
    E(
        "backoffice:paperwork_form",
        IN_REACH,
        sides=AB,
        kwargs=lambda w, s: {**dossier(w, s), "form_number": "01"},
    ),
    E(
        "backoffice:paperwork_form[06]",
        IN_REACH,
        sides=AB,
        kwargs=lambda w, s: {**dossier(w, s), "form_number": "06"},
    ),
    E("backoffice:register", OFFICER),
    E("backoffice:register[xlsx]", OFFICER, query=lambda w, s: "?format=xlsx"),
    E(
        "backoffice:attachment",
        IN_REACH,
        sides=ALL,
        kwargs=lambda w, s: {"public_id": s.attachment.public_id},
    ),
    # The assessment's decision data: the specialist at the assessing step.
    E(
        "backoffice:record_decision",
        acting(SPECIALIST, step_bound=True),
        ("POST",),
        AB,
        dossier,
        data=lambda w, s: {"register_number": "1"},
    ),
    E("backoffice:collect_fee", acting(DESK), ("POST",), AB, dossier),
    E("backoffice:mark_digitised", acting(DESK), ("POST",), AB, attachment),
    E("backoffice:send_by_post", acting(DESK), ("POST",), AB, dossier),
    E(
        "backoffice:refund_at_desk",
        acting(DESK),
        ("POST",),
        AB,
        dossier,
        data=lambda w, s: {"refund": s.refund.pk},
    ),
    E(
        "backoffice:payment_receipt",
        IN_REACH,
        sides=AB,
        kwargs=lambda w, s: {"public_id": s.payment.public_id},
    ),
    # Monitoring (/giam-sat/): an officer's own agency by default, ?agency= another.
    E("monitoring:overview", OFFICER),
    E("monitoring:overview[agency]", IN_REACH, sides=AB, query=agency_of),
    E("monitoring:ranking", SUPERVISOR),
    E("monitoring:ranking[agency]", RANKS, sides=AB, query=agency_of),
    E("monitoring:dossiers", OFFICER),
    E("monitoring:dossiers[agency]", IN_REACH, sides=AB, query=agency_of),
    E("monitoring:procedures", OFFICER),
    E("monitoring:procedures[agency]", IN_REACH, sides=AB, query=agency_of),
    E("monitoring:targets", OFFICER),
    E("monitoring:targets[set]", SUPERVISOR, ("POST",)),
    E("monitoring:plans", OFFICER),
    E("monitoring:plans[agency]", IN_REACH, sides=AB, query=agency_of),
    E("monitoring:plan_edit[agency]", PLANS, ("GET", "POST"), AB, query=agency_of),
    E("monitoring:plan", IN_REACH, sides=AB, kwargs=lambda w, s: {"pk": s.plan.pk}),
    E("monitoring:report_pdf[agency]", IN_REACH, sides=AB, query=agency_of),
    E("monitoring:crosscheck[agency]", CROSS_CHECK, ("GET", "POST"), AB, query=agency_of),
    E("monitoring:public", PUBLIC),
    E("monitoring:public_procedures", PUBLIC),
    # The citizen's sign-in through the e-ID provider (/cong-dan/).
    E("citizen:login", PUBLIC),
    E("citizen:callback", PUBLIC),
    E("citizen:logout", PUBLIC, ("POST",)),
    E("citizen:acting", SIGNED_IN, ("GET", "POST")),
    # The person's data store (/kho-du-lieu/).
    E("datastore:home", SIGNED_IN),
    E("datastore:upload", SIGNED_IN, ("GET", "POST")),
    E(
        "datastore:download",
        OWNER,
        sides=AB,
        kwargs=lambda w, s: {"public_id": s.document.public_id},
    ),
    E(
        "datastore:delete",
        OWNER,
        ("GET", "POST"),
        AB,
        kwargs=lambda w, s: {"public_id": s.document.public_id},
    ),
    # The bundled e-ID provider (/idp/): its own session, never the portal's.
    E("oauth2_provider:idp-home", PUBLIC),
    E("oauth2_provider:idp-login", PUBLIC, ("GET", "POST")),
    E("oauth2_provider:idp-logout", PUBLIC, ("POST",)),
    E("oauth2_provider:oidc-connect-discovery-info", PUBLIC),
    E("oauth2_provider:oauth-server-metadata", PUBLIC),
    E("oauth2_provider:jwks-info", PUBLIC),
    E("oauth2_provider:authorize", NOBODY),
    E(
        "oauth2_provider:token",
        NOBODY,
        ("POST",),
        data=lambda w, s: {"grant_type": "client_credentials"},
    ),
    E("oauth2_provider:revoke-token", NOBODY, ("POST",), data=lambda w, s: {"token": "x"}),
    E("oauth2_provider:user-info", NOBODY),
    E("oauth2_provider:rp-initiated-logout", PUBLIC),
    # Simulators: the registries (API key) and the payment gateway (signed requests).
    E(
        "registrysim:record",
        NOBODY,
        kwargs=lambda w, s: {"registry": "dan_cu", "subject": PIDS["a"]},
    ),
    E(
        "registrysim:register",
        NOBODY,
        ("POST",),
        kwargs=lambda w, s: {"registry": "dan_cu", "action": "register_birth"},
        data=lambda w, s: {"reference": "X", "payload": {}},
    ),
    E("paygate:pay", SIGNED),
    E(
        "paygate:pay_action",
        SIGNED,
        ("POST",),
        AB,
        kwargs=lambda w, s: {"public_id": s.txn},
        data=lambda w, s: {"action": "cancel", "scenario": "never"},
    ),
    E("paygate:api", SIGNED, ("POST",)),
    # The postal simulator: its API answers only signed requests (401 otherwise); its
    # page stands for the post office's own screen (demo, off in production).
    E("postsim:quote", NOBODY, ("POST",)),
    E("postsim:book", NOBODY, ("POST",)),
    E("postsim:track", NOBODY, ("POST",)),
    E("postsim:shipments", STAFF, ("GET", "POST")),
    # The post's signed delivery events (/buu-chinh/su-kien/): 401 without the signature.
    E("postal:receive_event", NOBODY, ("POST",)),
    # Payments (/thanh-toan/).
    E("payments:start", OWNER, ("POST",), AB, dossier),
    E("payments:return", SIGNED),
    E("payments:ipn", SIGNED, ("GET", "POST")),
    E(
        "payments:receipt",
        OWNER,
        sides=AB,
        kwargs=lambda w, s: {"public_id": s.payment.public_id},
    ),
    # Results: public verification, by file or by the QR code's token.
    E("results:verify", PUBLIC, ("GET", "POST")),
    E(
        "results:verify_token",
        PUBLIC,
        ("GET", "POST"),
        AB,
        kwargs=lambda w, s: {"token": s.result_token},
    ),
    # The API's own pages (the endpoints are in API below).
    E("api:openapi-json", PUBLIC),
    E("api:openapi-view", PUBLIC),
    E("api:api-root", NOBODY),  # the API has no root page: 404 for everyone
    # Federation: only a national instance serves it.
    E("federation:receive_event", NOBODY, ("POST",)),
    E("federation:ranking", NOBODY),
    E(
        "federation:ranking[national]",
        STAFF,
        settings=(("MOTCUA_FEDERATION_MODE", "national"),),
    ),
    # The dossier exchange (docs/EXCHANGE.md): 404 while MOTCUA_EXCHANGE_ROLE is off;
    # the machine endpoints answer only requests signed by a peer (401 otherwise).
    E("exchange:receive", NOBODY, ("POST",)),
    E(
        "exchange:receive[national]",
        NOBODY,
        ("POST",),
        settings=(("MOTCUA_EXCHANGE_ROLE", "national"),),
    ),
    E("exchange:file", NOBODY, kwargs=lambda w, s: {"sha256": "0" * 64}),
    E(
        "exchange:file[province]",
        NOBODY,
        kwargs=lambda w, s: {"sha256": "0" * 64},
        settings=(("MOTCUA_EXCHANGE_ROLE", "province"),),
    ),
    E("exchange:catalogue", NOBODY),
    E("exchange:catalogue[province]", NOBODY, settings=(("MOTCUA_EXCHANGE_ROLE", "province"),)),
    E("exchange:sync", NOBODY),
    E("exchange:sync[national]", STAFF, settings=(("MOTCUA_EXCHANGE_ROLE", "national"),)),
    # Probes and metrics (metrics: allowed addresses or the token only).
    E("ops:healthz", PUBLIC),
    E("ops:readyz", PUBLIC),
    E("ops:metrics", NOBODY),
    E(
        "ops:metrics[token]",
        SIGNED,
        settings=(("MOTCUA_METRICS_TOKEN", "authz-metrics-token"),),
        headers=(("Authorization", "Bearer authz-metrics-token"),),
    ),
    # The portal: public pages.
    E("portal:home", PUBLIC),
    # Installable on a phone (motcua.portal.pwa): manifest, service worker, offline page.
    E("portal:manifest", PUBLIC),
    E("portal:service_worker", PUBLIC),
    E("portal:offline", PUBLIC),
    E("portal:favicon", PUBLIC),
    E("portal:procedure", PUBLIC, kwargs=code),
    E("portal:search", PUBLIC),
    E("portal:communes", PUBLIC, query=lambda w, s: "?tinh=Tỉnh Bắc Ninh"),
    E("portal:assistant", PUBLIC),
    E("portal:assistant_api", PUBLIC),
    # Rating an answer: only the session that asked the question (nobody else: 404).
    E(
        "portal:assistant_feedback",
        NOBODY,
        ("POST",),
        kwargs=lambda w, s: {"public_id": "00000000-0000-4000-8000-000000000001"},
        data=lambda w, s: {"y_kien": "co_ich"},
    ),
    E("portal:lookup", PUBLIC, ("GET", "POST")),
    # The portal: the citizen's own dossiers.
    E("portal:apply", CITIZEN, ("GET", "POST"), kwargs=code),
    # Assisted filing (docs/ASSISTED.md): the agent's screens, each draft only its filer's;
    # the citizen it was filed for reviews and confirms it.
    E("assisted:home", AGENT, ("GET", "POST")),
    E("assisted:new", AGENT, ("GET", "POST")),
    E("assisted:form", FILER, ("GET", "POST"), ("assisted",), dossier),
    E("assisted:files", FILER, ("GET", "POST"), ("assisted",), dossier),
    E("assisted:remove", FILER, ("POST",), ("assisted",), attachment),
    E("assisted:confirm", FILER, sides=("assisted",), kwargs=dossier),
    E("assisted:send_code", FILER, ("POST",), ("assisted",), dossier),
    E("assisted:check_code", FILER, ("POST",), ("assisted",), dossier),
    E("assisted:citizen_review", OWNER, sides=("assisted",), kwargs=dossier),
    E("assisted:citizen_confirm", OWNER, ("POST",), ("assisted",), dossier),
    E("portal:my_dossiers", CITIZEN),
    E("portal:dossier", OWNER, sides=ALL, kwargs=dossier),
    E("portal:apply_form", OWNER, ("GET", "POST"), ALL, dossier),
    E("portal:apply_refresh", OWNER, ("POST",), ALL, dossier),
    E("portal:apply_files", OWNER, sides=ALL, kwargs=dossier),
    E("portal:apply_upload", OWNER, ("POST",), ALL, dossier),
    E("portal:apply_pick", OWNER, ("POST",), ALL, dossier),
    E("portal:apply_remove", OWNER, ("POST",), ALL, attachment),
    E("portal:apply_review", OWNER, sides=ALL, kwargs=dossier),
    E("portal:apply_submit", OWNER, ("POST",), ALL, dossier),
    E("portal:apply_delivery", OWNER, ("POST",), ALL, dossier),
    E("portal:receipt", OWNER, sides=AB, kwargs=dossier),
    E("portal:receipt_pdf", OWNER, sides=AB, kwargs=dossier),
    E("portal:attachment", OWNER, sides=ALL, kwargs=attachment),
    E("portal:supplement", OWNER, ("GET", "POST"), AB, dossier),
    E("portal:withdraw", OWNER, ("GET", "POST"), AB, dossier),
    E("portal:stop", OWNER, ("GET", "POST"), AB, dossier),
    E("portal:rate", OWNER, ("GET", "POST"), AB, dossier),
    # Phản ánh, kiến nghị (/phan-anh-kien-nghi/): filing and the look-up need no sign-in.
    E("feedback:index", PUBLIC),
    E("feedback:file", PUBLIC, ("GET", "POST")),
    E("feedback:sent", PUBLIC),
    E("feedback:lookup", PUBLIC, ("GET", "POST")),
    E("feedback:mine", SIGNED_IN),
    E("feedback:detail", OWNER, sides=AB, kwargs=pakn),
    E("feedback:rate", OWNER, ("POST",), AB, pakn),
    E("feedback:attachment", OWNER, sides=AB, kwargs=pakn_file),
    # The officers' PAKN (/mot-cua/phan-anh-kien-nghi/): seen in reach, answered by the
    # agency's own desk, specialists and leaders (supervisors read).
    E("backoffice:pakn_queue", OFFICER),
    E("backoffice:pakn_figures", OFFICER),
    E("backoffice:pakn", IN_REACH, sides=AB, kwargs=pakn),
    E(
        "backoffice:pakn_file",
        IN_REACH,
        sides=AB,
        kwargs=lambda w, s: {"public_id": s.feedback.attachments.first().public_id},
    ),
    E("backoffice:pakn_answer", acting(DESK, SPECIALIST, LEADER), ("POST",), AB, pakn),
    E("backoffice:pakn_publish", acting(DESK, SPECIALIST, LEADER), ("POST",), AB, pakn),
    E("backoffice:pakn_reassign", acting(DESK, SPECIALIST, LEADER), ("POST",), AB, pakn),
]


def _upload(w, s):
    return {"component": w.version.components.first().pk, "file": pdf()}


V1 = "/api/v1"
API: list[Entry] = [
    E(f"GET {V1}/procedures", PUBLIC),
    E(f"GET {V1}/procedures/{{code}}", PUBLIC, kwargs=code),
    E(f"GET {V1}/procedures/{{code}}/form", PUBLIC, kwargs=code),
    E(f"GET {V1}/sectors", PUBLIC),
    E(f"GET {V1}/dossiers", CITIZEN),
    E(
        f"POST {V1}/dossiers",
        CITIZEN,
        data=lambda w, s: {"procedure": PROCEDURE, "agency": "AZP.STP", "form": {}},
    ),
    E(f"GET {V1}/dossiers/{{public_id}}", OWNER, sides=ALL, kwargs=dossier),
    E(
        f"PUT {V1}/dossiers/{{public_id}}/form",
        OWNER,
        sides=ALL,
        kwargs=dossier,
        data=lambda w, s: {"form": {}},
    ),
    E(
        f"POST {V1}/dossiers/{{public_id}}/attachments",
        OWNER,
        sides=ALL,
        kwargs=dossier,
        data=_upload,
        multipart=True,
    ),
    E(
        f"DELETE {V1}/dossiers/{{public_id}}/attachments/{{attachment_id}}",
        OWNER,
        sides=ALL,
        kwargs=attachment,
    ),
    E(
        f"GET {V1}/dossiers/{{public_id}}/attachments/{{attachment_id}}",
        OWNER,
        sides=ALL,
        kwargs=attachment,
    ),
    E(f"POST {V1}/dossiers/{{public_id}}/submit", OWNER, sides=ALL, kwargs=dossier),
    E(
        f"POST {V1}/dossiers/{{public_id}}/supplement",
        OWNER,
        sides=AB,
        kwargs=dossier,
        data=lambda w, s: {"files": [pdf()], "note": ""},
        multipart=True,
    ),
    E(
        f"POST {V1}/dossiers/{{public_id}}/withdraw",
        OWNER,
        sides=AB,
        kwargs=dossier,
        data=lambda w, s: {"reason": "Không cần nữa"},
    ),
    E(
        f"POST {V1}/dossiers/{{public_id}}/stop",
        OWNER,
        sides=AB,
        kwargs=dossier,
        data=lambda w, s: {"reason": "Không còn nhu cầu"},
    ),
    E(
        f"POST {V1}/dossiers/{{public_id}}/rating",
        OWNER,
        sides=AB,
        kwargs=dossier,
        data=lambda w, s: {"score": 5},
    ),
    E(f"GET {V1}/dossiers/{{public_id}}/result", OWNER, sides=AB, kwargs=dossier),
    E(f"POST {V1}/dossiers/{{public_id}}/payments", OWNER, sides=AB, kwargs=dossier),
    E(f"GET {V1}/dossiers/{{public_id}}/payments", OWNER, sides=AB, kwargs=dossier),
    E(
        f"GET {V1}/dossiers/{{public_id}}/payments/{{payment_id}}/receipt",
        OWNER,
        sides=AB,
        kwargs=lambda w, s: {**dossier(w, s), "payment_id": s.payment.public_id},
    ),
    E(
        f"POST {V1}/officer/dossiers/{{public_id}}/payments/counter",
        acting(DESK),
        sides=AB,
        kwargs=dossier,
    ),
    E(f"GET {V1}/officer/dossiers", OFFICER),
    E(f"GET {V1}/officer/dossiers/{{public_id}}", IN_REACH, sides=ALL, kwargs=dossier),
    E(
        f"GET {V1}/officer/dossiers/{{public_id}}/attachments/{{attachment_id}}",
        IN_REACH,
        sides=ALL,
        kwargs=attachment,
    ),
    E(f"GET {V1}/officer/dossiers/{{public_id}}/form", IN_REACH, sides=ALL, kwargs=dossier),
    E(
        f"PUT {V1}/officer/dossiers/{{public_id}}/decision",
        acting(SPECIALIST, step_bound=True),
        sides=AB,
        kwargs=dossier,
        data=lambda w, s: {"decision": {"register_number": "1"}},
    ),
    *[
        E(
            f"POST {V1}/officer/dossiers/{{public_id}}/actions[{action}]",
            _action_rule(action),
            sides=AB,
            kwargs=dossier,
            data=lambda w, s, action=action: {"action": action},
        )
        for action in API_ACTIONS
    ],
    E(
        f"POST {V1}/public/lookup",
        SIGNED,
        sides=AB,
        data=lambda w, s: {"code": s.dossier.code, "secret": s.dossier.lookup_secret},
    ),
    E(
        f"POST {V1}/public/lookup[wrong secret]",
        NOBODY,
        sides=("a",),
        data=lambda w, s: {"code": s.dossier.code, "secret": w.sides["b"].dossier.lookup_secret},
    ),
    E(
        f"POST {V1}/public/results/verify",
        PUBLIC,
        data=lambda w, s: {"file": pdf("ket-qua.pdf")},
        multipart=True,
    ),
]
for _entry in API:
    object.__setattr__(_entry, "methods", (_entry.key.split(" ", 1)[0],))

# The parent/child pair (ward W above WP, its police): every back-office page and officer
# endpoint about one dossier is also requested with their dossiers, so that a parent
# agency acting on its child's dossier fails here.
PARENT_CHILD = ("w", "wp")
_ABOUT_ONE_DOSSIER = (
    "backoffice:",
    f"POST {V1}/officer/",
    f"PUT {V1}/officer/",
    f"GET {V1}/officer/dossiers/",
)
for _entry in [*WEB, *API]:
    if _entry.sides and _entry.key.startswith(_ABOUT_ONE_DOSSIER):
        object.__setattr__(_entry, "sides", _entry.sides + PARENT_CHILD)
