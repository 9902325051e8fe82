"""Check sharebroker's JSON Schema catalogue (Schemas/) with Python's jsonschema, the reference implementation.

Commands:

  check  --catalogue Schemas   Checks every *.schema.json against the JSON Schema 2020-12 metaschema, that it
                               uses only the keywords the broker's validator supports, that it is documented
                               ($schema, $id, title, description, examples, a description on every property),
                               that its own 'examples' are valid; then that every examples/<dir>/valid-*.json is
                               valid, every invalid-*.json yields exactly the errors annotated in its directory's
                               expected-errors.json, and that the examples follow the demo partnership's
                               conventions. Exit 0 when everything passes, 1 with a list of failures.

  report --catalogue Schemas   Prints JSON to stdout: for every example, the schema $id used, whether it is
                               valid, and its errors as {instanceLocation, keyword}, sorted. The broker's Swift
                               tests compare their own validator's output with this.

  validate --catalogue Schemas --schema FILE INSTANCE...
                               Validates JSON files against one schema of the catalogue (FILE is its file name,
                               such as envelope.schema.json), with the catalogue's $refs and formats. Prints
                               "valid", or "invalid POINTER KEYWORD" for each error; exit 0 when every instance
                               is valid, 1 when any is invalid.

An error is one item of Draft202012Validator(...).iter_errors(instance): instanceLocation is the RFC 6901
JSON Pointer of error.absolute_path, keyword is error.validator. Formats are asserted: the 2020-12 format
checker (date-time and time need rfc3339-validator, uri needs rfc3986-validator; see requirements.txt) plus
the custom 'nhs-number' format (ten ASCII digits with a valid modulus 11 check digit).

Requires Python 3.11 and the packages in Tests/interop/requirements.txt.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any, Iterable

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DRAFT = "https://json-schema.org/draft/2020-12/schema"

ALLOWED_KEYWORDS = frozenset(
    "$schema $id $ref $defs $comment title description examples default deprecated readOnly writeOnly type enum "
    "const properties required additionalProperties patternProperties items prefixItems minItems maxItems "
    "uniqueItems minLength maxLength pattern minimum maximum exclusiveMinimum exclusiveMaximum multipleOf format "
    "minProperties maxProperties allOf anyOf oneOf not if then else dependentRequired dependentSchemas".split()
)
# Keywords whose value is a map of name -> subschema, a single subschema, or a list of subschemas.
SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")
SCHEMA_SINGLE = ("additionalProperties", "items", "not", "if", "then", "else")
SCHEMA_LISTS = ("prefixItems", "allOf", "anyOf", "oneOf")
CONDITIONAL_KEYWORDS = frozenset({"if", "then", "else", "not", "dependentSchemas"})
ALLOWED_FORMATS = frozenset({"date", "date-time", "time", "email", "uri", "uuid", "nhs-number"})
# Regular-expression features outside the small subset the broker's validator implements.
UNSUPPORTED_PATTERN = re.compile(r"\(\?[=!<PimsxaLu]|\\[1-9]|\\[kpPbBAZzGQE]|[*+?}]\+|\[\[:|\(\?#")

# The demo partnership (sharebroker demo): which agencies may appear as sender / in 'to'.
DEMO_SENDERS = frozenset({"northshire-hospitals", "northshire-police", "northshire-csc", "northshire-mash", "oakfield-primary"})
# The broker's own id: the sender of the notices it signs itself (delivery-failed/1, delivery-overdue/1, response-overdue/1, flag-accessed/1).
BROKER = "sharebroker"
BROKER_TYPES = frozenset({"delivery-failed/1", "delivery-overdue/1", "response-overdue/1", "flag-accessed/1"})
DEMO_AGENCIES = DEMO_SENDERS | {"northshire-audit"}
DEMO_AREA = "E99999999"

# ------------------------------------------------------------------------------------------ formats


def is_nhs_number(instance: object) -> bool:
    """True for exactly ten ASCII digits whose tenth digit is the NHS modulus 11 check digit.

    Multiply the first nine digits by 10, 9, ..., 2 and add; r = sum mod 11; check = 11 - r, where 11 means 0
    and 10 means the number is invalid. Non-strings pass (format applies to strings only)."""
    if not isinstance(instance, str):
        return True
    if len(instance) != 10 or not all("0" <= character <= "9" for character in instance):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(instance[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10:
        return False
    return int(instance[9]) == check


def make_format_checker() -> FormatChecker:
    """The 2020-12 format checker plus 'nhs-number', without changing jsonschema's shared instance."""
    checker = FormatChecker(formats=())
    checker.checkers = dict(Draft202012Validator.FORMAT_CHECKER.checkers)
    checker.checks("nhs-number")(is_nhs_number)
    return checker


def assert_format_checks_run(checker: FormatChecker) -> list[str]:
    """The optional format packages are missing when these probes pass silently."""
    probes = [("date-time", "2026-11-22 09:31"), ("time", "10:30"), ("uri", "meet.example/no-scheme"),
              ("date", "22/11/2026"), ("uuid", "not-a-uuid"), ("nhs-number", "9990001234")]
    return [f"format '{name}' is not checked (is its optional package installed? see requirements.txt)"
            for name, bad in probes if checker.conforms(bad, name)]


# ------------------------------------------------------------------------------------------ loading


class CatalogueError(Exception):
    """The catalogue cannot be loaded at all."""


def pointer(parts: Iterable[Any]) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def load_json(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, json.JSONDecodeError) as error:
        raise CatalogueError(f"{path}: cannot read JSON: {error}") from error


class Catalogue:
    def __init__(self, root: Path):
        if not root.is_dir():
            raise CatalogueError(f"{root}: not a directory")
        self.root = root
        self.schemas: dict[str, Any] = {}  # file name -> schema
        self.ids: dict[str, str] = {}  # file name -> $id
        for path in sorted(root.glob("*.schema.json")):
            schema = load_json(path)
            if not isinstance(schema, dict) or not isinstance(schema.get("$id"), str):
                raise CatalogueError(f"{path}: a schema must be an object with a string $id")
            if schema["$id"] in self.ids.values():
                raise CatalogueError(f"{path}: duplicate $id {schema['$id']}")
            self.schemas[path.name] = schema
            self.ids[path.name] = schema["$id"]
        if not self.schemas:
            raise CatalogueError(f"{root}: no *.schema.json files")
        self.registry = Registry().with_resources(
            (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012))
            for schema in self.schemas.values()
        )
        self.format_checker = make_format_checker()

    def validator(self, file_name: str) -> Draft202012Validator:
        return Draft202012Validator(self.schemas[file_name], registry=self.registry, format_checker=self.format_checker)

    def errors(self, file_name: str, instance: Any) -> list[dict[str, str]]:
        found = [{"instanceLocation": pointer(error.absolute_path), "keyword": str(error.validator)}
                 for error in self.validator(file_name).iter_errors(instance)]
        return sorted(found, key=lambda item: (item["instanceLocation"], item["keyword"]))

    def example_dirs(self) -> list[Path]:
        folder = self.root / "examples"
        return sorted(path for path in folder.iterdir() if path.is_dir()) if folder.is_dir() else []

    def schema_for(self, directory: Path) -> str | None:
        name = f"{directory.name}.schema.json"
        return name if name in self.schemas else None

    def examples(self) -> Iterable[tuple[Path, str]]:
        """(example path, schema file name) for every valid-*/invalid-* file of a directory with a schema."""
        for directory in self.example_dirs():
            schema = self.schema_for(directory)
            if schema is None:
                continue
            for path in sorted(directory.glob("*.json")):
                if path.name.startswith(("valid-", "invalid-")):
                    yield path, schema


# ------------------------------------------------------------------------------------------ schema checks


def walk_schema(node: Any, where: str, visit) -> None:
    """Calls visit(schema_object, json_pointer) for every subschema object, descending only into schema positions."""
    if not isinstance(node, dict):
        return
    visit(node, where)
    for keyword, value in node.items():
        here = f"{where}/{pointer([keyword])[1:]}"
        if keyword in SCHEMA_MAPS and isinstance(value, dict):
            for name, subschema in value.items():
                walk_schema(subschema, f"{here}{pointer([name])}", visit)
        elif keyword in SCHEMA_SINGLE:
            walk_schema(value, here, visit)
        elif keyword in SCHEMA_LISTS and isinstance(value, list):
            for index, subschema in enumerate(value):
                walk_schema(subschema, f"{here}/{index}", visit)


def check_schema_file(catalogue: Catalogue, file_name: str) -> list[str]:
    schema = catalogue.schemas[file_name]
    failures: list[str] = []
    try:
        Draft202012Validator.check_schema(schema)
    except Exception as error:  # jsonschema.SchemaError; report and go on
        failures.append(f"{file_name}{pointer(getattr(error, 'absolute_path', []))}: not a valid 2020-12 schema: {getattr(error, 'message', error)}")

    def visit(node: dict, where: str) -> None:
        for keyword in node:
            if keyword not in ALLOWED_KEYWORDS:
                failures.append(f"{file_name}#{where}/{keyword}: keyword '{keyword}' is not supported by the broker's validator")
        if isinstance(node.get("pattern"), str) and UNSUPPORTED_PATTERN.search(node["pattern"]):
            failures.append(f"{file_name}#{where}/pattern: {node['pattern']!r} uses a regular-expression feature outside the supported subset")
        if "format" in node and node["format"] not in ALLOWED_FORMATS:
            failures.append(f"{file_name}#{where}/format: format '{node['format']}' is not one of {sorted(ALLOWED_FORMATS)}")
        properties = node.get("properties")
        # Properties that only state a condition or a constraint (inside if/then/else/not/dependentSchemas) are
        # described by the property they constrain; every other property must say what it is.
        conditional = any(segment in CONDITIONAL_KEYWORDS for segment in where.split("/"))
        if isinstance(properties, dict) and not conditional:
            for name, subschema in properties.items():
                if not (isinstance(subschema, dict) and isinstance(subschema.get("description"), str) and subschema["description"].strip()):
                    failures.append(f"{file_name}#{where}/properties{pointer([name])}: property has no description")

    walk_schema(schema, "", visit)

    if schema.get("$schema") != DRAFT:
        failures.append(f"{file_name}: $schema must be {DRAFT}")
    for key in ("title", "description"):
        if not (isinstance(schema.get(key), str) and schema[key].strip()):
            failures.append(f"{file_name}: missing top-level '{key}'")
    expected_id = expected_schema_id(file_name)
    if expected_id and schema["$id"] != expected_id:
        failures.append(f"{file_name}: $id is {schema['$id']!r}, expected {expected_id!r} from the file name")
    examples = schema.get("examples")
    if not (isinstance(examples, list) and examples):
        failures.append(f"{file_name}: missing top-level 'examples'")
    elif not failures:
        for index, example in enumerate(examples):
            for error in catalogue.errors(file_name, example):
                failures.append(f"{file_name}#/examples/{index}: invalid at {error['instanceLocation'] or '/'} ({error['keyword']})")
    return failures


def expected_schema_id(file_name: str) -> str | None:
    stem = file_name.removesuffix(".schema.json")
    if stem in ("envelope", "common"):
        return f"urn:sharebroker:schema:{stem}"
    match = re.fullmatch(r"([a-z0-9][a-z0-9-]*)-([1-9][0-9]*)", stem)
    return f"urn:sharebroker:schema:{match.group(1)}:{match.group(2)}" if match else None


# ------------------------------------------------------------------------------------------ example checks


def check_examples(catalogue: Catalogue) -> list[str]:
    failures: list[str] = []
    seen_ids: dict[str, str] = {}
    if not catalogue.example_dirs():
        failures.append("examples/: no example directories")
    for directory in catalogue.example_dirs():
        relative = directory.relative_to(catalogue.root)
        schema = catalogue.schema_for(directory)
        if schema is None:
            failures.append(f"{relative}: no schema {directory.name}.schema.json for this directory")
            continue
        names = sorted(path.name for path in directory.glob("*.json"))
        valid = [name for name in names if name.startswith("valid-")]
        invalid = [name for name in names if name.startswith("invalid-")]
        for stray in sorted(set(names) - set(valid) - set(invalid) - {"expected-errors.json"}):
            failures.append(f"{relative}/{stray}: example files are named valid-*.json or invalid-*.json")
        if not valid:
            failures.append(f"{relative}: no valid-*.json examples")
        if not invalid:
            failures.append(f"{relative}: no invalid-*.json examples")
        expected_path = directory / "expected-errors.json"
        expected: dict[str, Any] = {}
        if invalid or expected_path.exists():
            try:
                expected = load_json(expected_path)
            except CatalogueError as error:
                failures.append(str(error))
            if not isinstance(expected, dict):
                failures.append(f"{relative}/expected-errors.json: must be an object keyed by file name")
                expected = {}
        for name in sorted(set(invalid) - set(expected)):
            failures.append(f"{relative}/expected-errors.json: no entry for {name}")
        for name in sorted(set(expected) - set(invalid)):
            failures.append(f"{relative}/expected-errors.json: entry {name} has no invalid example file")

        for name in valid + invalid:
            path = directory / name
            try:
                instance = load_json(path)
            except CatalogueError as error:
                failures.append(str(error))
                continue
            where = f"{relative}/{name}"
            failures.extend(check_conventions(where, instance, seen_ids))
            actual = catalogue.errors(schema, instance)
            if name.startswith("valid-"):
                for error in actual:
                    failures.append(f"{where}: expected valid, but fails at {error['instanceLocation'] or '/'} ({error['keyword']})")
                continue
            annotation = expected.get(name)
            if annotation is None:
                continue
            if not (isinstance(annotation, dict) and isinstance(annotation.get("why"), str) and annotation["why"].strip()
                    and isinstance(annotation.get("errors"), list) and annotation["errors"]):
                failures.append(f"{relative}/expected-errors.json: entry {name} needs a 'why' and a non-empty 'errors' list")
                continue
            wanted = sorted(({"instanceLocation": item.get("instanceLocation"), "keyword": item.get("keyword")}
                             for item in annotation["errors"] if isinstance(item, dict)),
                            key=lambda item: (str(item["instanceLocation"]), str(item["keyword"])))
            if wanted != actual:
                failures.append(f"{where}: expected errors {describe(wanted)}, got {describe(actual)}")
    return failures


def describe(errors: list[dict[str, Any]]) -> str:
    return "[" + ", ".join(f"{item['instanceLocation'] or '/'} {item['keyword']}" for item in errors) + "]" if errors else "none"


def check_conventions(where: str, instance: Any, seen_ids: dict[str, str]) -> list[str]:
    """Examples must be publishable by `sharebroker demo` (apart from an invalid example's one mistake)."""
    if not isinstance(instance, dict):
        return [f"{where}: an example is a whole envelope (a JSON object)"]
    failures = []
    identifier = instance.get("id")
    if isinstance(identifier, str):
        if identifier in seen_ids:
            failures.append(f"{where}: id {identifier} is also used by {seen_ids[identifier]}")
        seen_ids[identifier] = where
    sender = instance.get("sender")
    if instance.get("type") in BROKER_TYPES and sender == BROKER:
        pass
    elif sender not in DEMO_SENDERS:
        failures.append(f"{where}: sender {sender!r} is not a demo agency that sends messages")
    to = instance.get("to")
    if isinstance(to, list):
        for recipient in to:
            if recipient not in DEMO_AGENCIES or recipient == sender:
                failures.append(f"{where}: recipient {recipient!r} is not a demo agency other than the sender")
    return failures


# ------------------------------------------------------------------------------------------ commands


def command_check(catalogue: Catalogue) -> int:
    failures = assert_format_checks_run(catalogue.format_checker)
    for file_name in catalogue.schemas:
        failures.extend(check_schema_file(catalogue, file_name))
    failures.extend(check_examples(catalogue))
    count = sum(1 for _ in catalogue.examples())
    if failures:
        print(f"{len(failures)} failure(s) in {catalogue.root}:", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    print(f"ok: {len(catalogue.schemas)} schemas, {count} examples in {catalogue.root}")
    return 0


def command_report(catalogue: Catalogue) -> int:
    report = {}
    for path, schema in catalogue.examples():
        errors = catalogue.errors(schema, load_json(path))
        report[path.relative_to(catalogue.root).as_posix()] = {
            "schema": catalogue.ids[schema], "valid": not errors, "errors": errors,
        }
    json.dump(report, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


def command_validate(catalogue: Catalogue, schema: str, instances: list[Path]) -> int:
    if schema not in catalogue.schemas:
        raise CatalogueError(f"{schema}: not a schema of {catalogue.root}")
    all_valid = True
    for path in instances:
        errors = catalogue.errors(schema, load_json(path))
        all_valid = all_valid and not errors
        print("\n".join(f"invalid {error['instanceLocation']} {error['keyword']}" for error in errors) or "valid")
    return 0 if all_valid else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("check", "check schemas and examples; exit 1 on any failure"),
                            ("report", "print every example's validation result as JSON"),
                            ("validate", "validate JSON files against one schema; exit 1 if any is invalid")):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--catalogue", type=Path, default=Path("Schemas"),
                             help="the catalogue directory holding *.schema.json and examples/ (default: Schemas)")
        if name == "validate":
            command.add_argument("--schema", required=True, help="the schema's file name, such as envelope.schema.json")
            command.add_argument("instances", nargs="+", type=Path, help="JSON files to validate")
    arguments = parser.parse_args(argv)
    try:
        catalogue = Catalogue(arguments.catalogue)
        if arguments.command == "validate":
            return command_validate(catalogue, arguments.schema, arguments.instances)
        return command_check(catalogue) if arguments.command == "check" else command_report(catalogue)
    except CatalogueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
