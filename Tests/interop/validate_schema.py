"""Validate JSON documents against a schema of Schemas/ with Python's jsonschema (Draft 2020-12).

Usage: python3 validate_schema.py SCHEMA INSTANCE...
Prints one line per instance: "valid" or "invalid <json-pointer> <message>" for each error.
Exit 0 when every instance is valid, 1 when any is invalid.
"""
import argparse
import json
import sys

from jsonschema import Draft202012Validator, FormatChecker


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("schema")
    parser.add_argument("instances", nargs="+")
    arguments = parser.parse_args()
    with open(arguments.schema, encoding="utf-8") as handle:
        schema = json.load(handle)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    all_valid = True
    for path in arguments.instances:
        with open(path, encoding="utf-8") as handle:
            instance = json.load(handle)
        errors = sorted(validator.iter_errors(instance), key=lambda error: list(error.absolute_path))
        if not errors:
            print("valid")
            continue
        all_valid = False
        for error in errors:
            pointer = "".join("/" + str(part) for part in error.absolute_path)
            print(f"invalid {pointer} {error.message}")
    return 0 if all_valid else 1


if __name__ == "__main__":
    sys.exit(main())
