#!/usr/bin/env python3
"""Checks recorded broker answers against the OpenAPI document, with jsonschema.

  check_answers.py DOCUMENT CASES   CASES is a JSON list of {"method", "path" (the document's
                                    template, such as /v1/messages/{id}), "status", "contentType",
                                    "body" (a file)}. Each body must match the schema the document
                                    gives that operation, status and media type. A case of
                                    {"component", "body"} is checked against that component schema
                                    (for what the document describes in words, such as a stream's
                                    events). Prints every mismatch; exits 0 when there is none, 1
                                    otherwise.
"""
import json
import pathlib
import sys

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012


def main() -> int:
    document_path = pathlib.Path(sys.argv[1]).resolve()
    document = json.loads(document_path.read_text())
    base = document_path.as_uri()
    registry = Registry().with_resource(base, Resource.from_contents(document, default_specification=DRAFT202012))
    failures = []
    for case in json.loads(pathlib.Path(sys.argv[2]).read_text()):
        if "component" in case:
            schema = {"$ref": f"{base}#/components/schemas/{case['component']}"}
            instance = json.loads(pathlib.Path(case["body"]).read_bytes())
            for error in Draft202012Validator(schema, registry=registry).iter_errors(instance):
                failures.append(f"{case['component']}: {error.message} at {error.json_path}")
            continue
        where = f"{case['method']} {case['path']} {case['status']} {case['contentType']}"
        operation = document["paths"].get(case["path"], {}).get(case["method"].lower())
        if operation is None:
            failures.append(f"{where}: the document has no such operation")
            continue
        response = operation["responses"].get(str(case["status"]))
        if response is None:
            failures.append(f"{where}: the document gives the operation no such status")
            continue
        if "$ref" in response:
            name = response["$ref"].split("/")[-1]
            response, pointer = document["components"]["responses"][name], f"/components/responses/{name}"
        else:
            pointer = f"/paths/{escape(case['path'])}/{case['method'].lower()}/responses/{case['status']}"
        if case["contentType"] not in response.get("content", {}):
            failures.append(f"{where}: the document gives no such media type for this status")
            continue
        body = pathlib.Path(case["body"]).read_bytes()
        instance = json.loads(body) if case["contentType"].endswith("json") else body.decode()
        schema = {"$ref": f"{base}#{pointer}/content/{escape(case['contentType'])}/schema"}
        for error in Draft202012Validator(schema, registry=registry).iter_errors(instance):
            failures.append(f"{where}: {error.message} at {error.json_path}")
    for failure in failures:
        print(failure)
    return 1 if failures else 0


def escape(text: str) -> str:
    """A JSON Pointer token."""
    return text.replace("~", "~0").replace("/", "~1")


if __name__ == "__main__":
    sys.exit(main())
