"""The Django admin's part of the matrix (/quan-tri/), generated from the admin site.

Every page of every registered model (list, add, change, history, delete and the
``<object_id>/`` redirect) gets an entry whose rule comes from the explicit tables
below: what the agency administrators' group may do, which models' objects belong to
an agency, and which records nobody may add or delete. A model registered without a
line here falls to "superuser only", so a new model is never open by accident.

The admin lets in only staff accounts, whatever their memberships: its list pages are
requested as every principal; its add and object pages as the staff principals and
three kinds of non-staff account (anonymous, a citizen, an officer) to keep the matrix
fast. Object pages use the chosen objects of ``ADMIN_OBJECTS``; for other models they
are requested with a missing id, as non-staff only (a staff request would only say
"does not exist").
"""

from __future__ import annotations

from django.contrib import admin

from .matrix import NOBODY, PUBLIC, STAFF, SUPERUSER, Rule, admin_model
from .routes import AB, Entry

# What the agency administrators' group may do (agencies/services.py's product rule:
# the catalogue, the calendar's yearly changes, officers' roles; the audit log read-only).
AGENCY_ADMIN_GRANTS = {
    "catalog_sector": "view add change delete",
    "catalog_procedure": "view change delete",  # new procedures: the national catalogue
    "catalog_procedureversion": "view add change delete",
    "workdays_calendaroverride": "view",  # changed by national calendar managers only
    "agencies_agency": "view add change delete",
    "agencies_membership": "view add change delete",
    "audit_auditrecord": "view",
}
# Models whose objects belong to an agency: an agency administrator of X manages X's,
# not another agency's (requested with side a → X's object, b → Y's).
AGENCY_SCOPED = {"agencies_agency", "agencies_membership", "audit_auditrecord"}
# Hole 1: a procedure is an agency's when only that agency (or units below it) handles it.
AGENCY_SCOPED |= {"catalog_procedure", "catalog_procedureversion"}
# Records only services write (legal events, money, signatures, logs): nobody adds
# them in the admin, not even the superuser.
NO_ADD = {
    "search_assistantquestion",  # questions come from citizens, never typed in the admin
    "registrysim_registration",  # what the registries were asked to write, read-only
    "oauth2_provider_accesstoken",
    "oauth2_provider_grant",
    "oauth2_provider_idtoken",
    "oauth2_provider_refreshtoken",
    "audit_auditrecord",
    "axes_accessattempt",
    "axes_accesslog",
    "catalog_procedureversion",
    "dossiers_dossier",
    "registries_lookuplog",
    "paygate_simtransaction",
    "postal_shipment",
    "postsim_simshipment",
    "notifications_notification",
    "payments_payment",
    "payments_paymentnotice",
    "payments_rejectednotice",
    "payments_refund",
    "results_certificateauthority",
    "results_agencycertificate",
    "results_resultdocument",
    "events_outboxevent",
    "events_delivery",
    "federation_inboundevent",
    "federation_nationalfact",
    "exchange_link",  # written by the exchange's services, never in the admin
    "exchange_outmessage",
    "exchange_inmessage",
    "monitoring_agencyplan",
    "monitoring_reportdispatch",
    "api_apiclient",
    "api_idempotencyrecord",
    "feedback_feedback",  # filed on the portal, answered in the back office
}
# ... nor deletes them (checked on the objects of ADMIN_OBJECTS).
NO_DELETE = {"audit_auditrecord", "dossiers_dossier", "payments_payment"}
# Object pages requested as the staff principals too: (world, side) → the object's pk.
ADMIN_OBJECTS = {
    "accounts_user": lambda w, s: w.users["citizen_a"].pk,
    "accounts_applicant": lambda w, s: w.sides["a"].dossier.applicant_id,
    "dossiers_dossier": lambda w, s: w.sides["a"].dossier.pk,
    "payments_payment": lambda w, s: w.sides["a"].payment.pk,
    "audit_auditrecord": lambda w, s: w.audit_record_of[s.dossier.agency_id],
    "agencies_agency": lambda w, s: s.dossier.agency_id,
    "agencies_membership": lambda w, s: w.desk_membership[s.dossier.agency_id],
    # Holes 1 and 7: the catalogue and the calendar.
    "catalog_procedure": lambda w, s: w.procedure_of[s.dossier.agency_id],
    "catalog_procedureversion": lambda w, s: w.version_of[s.dossier.agency_id],
    "workdays_calendaroverride": lambda w, s: w.calendar_override,
}
STAFF_PRINCIPALS = ("agency_admin_x", "superuser")
SAMPLED = ("anonymous", "citizen_a", "desk_x", *STAFF_PRINCIPALS)
NON_STAFF_SAMPLED = ("anonymous", "citizen_a", "desk_x")

E = Entry
SITE: list[Entry] = [
    E("admin:login", PUBLIC),
    E("admin:logout", PUBLIC, ("POST",)),
    E("admin:index", STAFF),
    E("admin:password_change", STAFF),
    E("admin:password_change_done", STAFF),
    E("admin:jsi18n", STAFF),
    E(
        "admin:autocomplete",
        STAFF,
        query=lambda w, s: "?app_label=catalog&model_name=feerule&field_name=agency&term=S",
    ),
    E("admin:app_list[catalog]", STAFF, kwargs=lambda w, s: {"app_label": "catalog"}),
    E("admin:app_list[dossiers]", SUPERUSER, kwargs=lambda w, s: {"app_label": "dossiers"}),
    # No model has a public page to show: staff get 404, the others the sign-in page.
    E("admin:view_on_site", NOBODY, kwargs=lambda w, s: {"content_type_id": 1, "object_id": 1}),
    E(
        "admin:auth_user_password_change",
        SUPERUSER,
        sides=("a",),
        kwargs=lambda w, s: {"id": w.users["citizen_a"].pk},
        principals=SAMPLED,
    ),
    # E-form authoring (issue #16): the live preview renders a posted definition for
    # whoever may change versions; a version's form file is read as its page is; a
    # published version's form never changes, so importing into it is refused to all.
    E(
        "eform_preview",
        admin_model("catalog_procedureversion", "change", agency_admin=True),
        ("POST",),
        data=lambda w, s: {"definition": "{}"},
        principals=SAMPLED,
    ),
    E(
        "admin:catalog_procedureversion_form_export",
        admin_model("catalog_procedureversion", "view", agency_admin=True, scoped=True),
        sides=AB,
        kwargs=lambda w, s: {"pk": w.version_of[s.dossier.agency_id]},
        principals=SAMPLED,
    ),
    E(
        "admin:catalog_procedureversion_form_import",
        Rule(
            "admin:change", "nobody: a published version's form never changes", lambda p, s: False
        ),
        ("POST",),
        sides=AB,
        kwargs=lambda w, s: {"pk": w.version_of[s.dossier.agency_id]},
        principals=SAMPLED,
    ),
    # The catch-all: staff get 404 for an unknown page, the others the sign-in page.
    E(r"quan-tri/(?P<url>.*)$", NOBODY, path=lambda w, s: "/quan-tri/khong-co/"),
]


def admin_object(world, side, label: str):
    pick = ADMIN_OBJECTS.get(label)
    return pick(world, side) if pick else 0


def _rule(label: str, verb: str):
    grants = set(AGENCY_ADMIN_GRANTS.get(label, "").split())
    forbidden = (verb == "add" and label in NO_ADD) or (verb == "delete" and label in NO_DELETE)
    if forbidden:
        return admin_model(label, verb, superuser=False, agency_admin=False)
    return admin_model(label, verb, agency_admin=verb in grants, scoped=label in AGENCY_SCOPED)


def _model_entries(model) -> list[Entry]:
    app, name = model._meta.app_label, model._meta.model_name
    label = f"{app}_{name}"
    sides = AB if label in AGENCY_SCOPED else ("a",)
    chosen = label in ADMIN_OBJECTS
    who = SAMPLED if chosen else NON_STAFF_SAMPLED

    def object_id(w, s, label=label):
        return {"object_id": admin_object(w, s, label)}

    entries = [
        E(f"admin:{label}_changelist", _rule(label, "view")),
        E(f"admin:{label}_add", _rule(label, "add"), principals=SAMPLED),
    ]
    for verb, page in (("view", "change"), ("view", "history"), ("delete", "delete")):
        entries.append(
            E(
                f"admin:{label}_{page}",
                _rule(label, verb),
                sides=sides,
                kwargs=object_id,
                principals=who,
            )
        )
    # ``<object_id>/`` only redirects to the change page, which checks the permission.
    entries.append(
        E(
            f"quan-tri/{app}/{name}/<path:object_id>/",
            STAFF,
            sides=sides,
            path=lambda w, s, app=app, name=name, label=label: (
                f"/quan-tri/{app}/{name}/{admin_object(w, s, label)}/"
            ),
            principals=who,
        )
    )
    return entries


def admin_entries() -> list[Entry]:
    """The site's pages, then every page of every registered model."""
    entries = list(SITE)
    for model in admin.site._registry:
        entries += _model_entries(model)
    return entries
