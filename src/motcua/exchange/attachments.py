"""A dossier's files in the exchange: described by content hash in a message's body,
fetched by the receiver only when it does not hold them yet (issue #17: "attachments
by content hash so a retry never duplicates them").

The sender describes each file (``describe``); the receiver asks the transport for the
bytes (``fetch_bytes``: ``transport.get_transport(peer).fetch_file``, which checks the
hash) and stores them byte for byte (``store``): they were checked and rebuilt when the
citizen uploaded them on the sender, and a signed result must stay as signed.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile

from motcua.catalog.models import ProcedureComponent
from motcua.dossiers.files import add_attachment
from motcua.dossiers.models import Attachment, Dossier

from .models import Peer


def describe(attachment: Attachment) -> dict[str, Any]:
    """One file as a message carries it. The component is named by its position in the
    procedure version (component ids differ between instances)."""
    return {
        "sha256": attachment.sha256,
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "kind": attachment.kind,
        "component": attachment.component.position if attachment.component_id else None,
        "source": attachment.source,
        "digitised": attachment.digitised,
    }


def fetch_bytes(peer: Peer, sha256: str, sender_id: str) -> bytes:
    """The file's bytes from ``peer`` (the transport verifies the hash)."""
    from .transport import get_transport  # the transport layer (docs/EXCHANGE.md)

    return get_transport(peer).fetch_file(peer, sha256, sender_id)


def store(
    dossier: Dossier, peer: Peer, sender_id: str, files: list[dict[str, Any]], *, kind: str = ""
) -> list[Attachment]:
    """Attach the described ``files`` the dossier does not hold yet (by SHA-256); returns
    the attachments, old and new, in the order described. Raises ValueError when the
    bytes received do not match their hash, DossierError when the file is refused."""
    held = {a.sha256: a for a in dossier.attachments.select_related("component")}
    components = {
        c.position: c
        for c in ProcedureComponent.objects.filter(version_id=dossier.procedure_version_id)
    }
    result = []
    for item in files or []:
        digest = str(item["sha256"]).lower()
        if digest in held:
            result.append(held[digest])
            continue
        data = fetch_bytes(peer, digest, sender_id)
        if hashlib.sha256(data).hexdigest() != digest:
            raise ValueError(f"file {digest} does not match its hash")
        upload = ContentFile(data, name=item.get("name") or "tep")
        attachment = add_attachment(
            dossier,
            upload,
            kind=kind or item.get("kind") or Attachment.Kind.COMPONENT,
            component=components.get(item.get("component")),
            source=item.get("source") or Attachment.Source.UPLOAD,
            name=item.get("name") or "",
            # Stored as sent: the sender checked and rebuilt it at upload, and a signed
            # result must keep its bytes (its signature and hash).
            signed_by_us=True,
        )
        held[digest] = attachment
        result.append(attachment)
    return result
