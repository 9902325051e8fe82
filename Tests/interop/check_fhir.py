#!/usr/bin/env python3
"""Validates the broker's FHIR export (a Bundle of AuditEvent resources, read from standard
input) with fhir.resources, a FHIR library nobody here wrote. fhir.resources models R4B, whose
Bundle and AuditEvent are those of R4. Prints what a reader of the export would find: each
event's entry kind, outcome, agents and patient identifiers; exit 1 if it is not valid FHIR."""
import base64
import json
import sys

from fhir.resources.R4B.auditevent import AuditEvent
from fhir.resources.R4B.bundle import Bundle

text = sys.stdin.read()
try:
    bundle = Bundle.model_validate_json(text)
except Exception as error:  # the library's validation error, whatever its class
    print(json.dumps({"invalid": str(error)[:2000]}))
    sys.exit(1)
events = []
for entry in bundle.entry or []:
    event = AuditEvent.model_validate(entry.resource.model_dump())
    events.append({
        "id": event.id,
        "kind": event.subtype[0].code,
        "type": event.type.code,
        "outcome": event.outcome,
        "outcomeDesc": event.outcomeDesc,
        "purpose": [coding.display for concept in event.purposeOfEvent or [] for coding in concept.coding or []],
        "agents": [agent.who.display if agent.who else agent.name for agent in event.agent],
        "patients": [entity.what.identifier.value for entity in event.entity
                     if entity.role and entity.role.code == "1" and entity.what.identifier],
        "details": {detail.type: detail.valueString or base64.b64encode(detail.valueBase64Binary).decode()
                    for entity in event.entity for detail in entity.detail or []},
    })
print(json.dumps({"type": bundle.type, "events": events}))
