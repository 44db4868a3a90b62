"""Serve MotCua as a provincial peer for the exchange's process tests.

The same WSGI server as ``events/tests/serve.py``, with one change: the domain half
(``exchange.handlers.apply``) is replaced by a recorder that appends every message it
applies to ``applied.jsonl`` in the instance's ``var`` folder, and creates a dossier for
a dossier's first message (answering its id, from which the inbox makes the link).
Everything else — the signed endpoint, deduplication, ordering — is the real code.
"""

import json
import os
import sys
from pathlib import Path


def install_recorder() -> None:
    import django

    django.setup()
    from motcua.exchange import handlers
    from tests.factories import (
        AgencyFactory,
        ApplicantFactory,
        dossier_in_status,
        procedure_version,
    )

    log = Path(os.environ["MOTCUA_VAR_DIR"]) / "applied.jsonl"
    made: dict[str, object] = {}

    def apply(message):
        with log.open("a", encoding="utf-8") as handle:
            handle.write(
                json.dumps(
                    {
                        "id": str(message.message_id),
                        "sender": str(message.sender_id),
                        "seq": message.seq,
                        "type": message.type,
                    }
                )
                + "\n"
            )
        if message.link is None and message.seq == 1:
            if not made:
                made["agency"] = AgencyFactory(code="HNI.STP", name="Sở Tư pháp")
                made["version"] = procedure_version("TD.01")
            dossier = dossier_in_status(
                "submitted",
                applicant=ApplicantFactory(),
                procedure_version=made["version"],
                agency=made["agency"],
            )
            return {"receiver_id": str(dossier.public_id)}
        return {}

    handlers.apply = apply


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    install_recorder()
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "events" / "tests"))
    from serve import main

    main()
