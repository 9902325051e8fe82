/// What this validator deliberately does not support from the official suite, each with its
/// reason; `OfficialSuiteTests` runs everything else. Paths are relative to the suite's
/// `tests/draft2020-12/`. The tests fail if an entry names no file or case of the suite, or if
/// a skipped file or case would in fact pass, so that the list only ever shrinks.
///
/// The validator supports the draft 2020-12 keywords the message catalogue uses and refuses any
/// other keyword when a schema is loaded (README, Schemas/README.md "Authoring rules"); it
/// asserts only the formats the catalogue uses; and its regular expressions are a documented
/// subset of ECMA-262.
enum OfficialSuiteSkips {
    /// Files skipped as a whole.
    static let files: [String: String] = [
        "anchor.json": refused("$anchor"),
        "contains.json": refused("contains"),
        "content.json": refused("contentEncoding, contentMediaType and contentSchema"),
        "dynamicRef.json": refused("$dynamicRef, $dynamicAnchor and $anchor"),
        "maxContains.json": refused("contains and maxContains"),
        "minContains.json": refused("contains and minContains"),
        "propertyNames.json": refused("propertyNames"),
        "unevaluatedItems.json": refused("unevaluatedItems"),
        "unevaluatedProperties.json": refused("unevaluatedProperties"),
        "vocabulary.json": customMetaSchema,
        "optional/anchor.json": refused("$anchor"),
        "optional/cross-draft.json": "Only draft 2020-12 is supported; a schema of another draft is refused when loaded.",
        "optional/dependencies-compatibility.json": refused("dependencies (drafts 4 to 7)"),
        "optional/dynamicRef.json": refused("$dynamicRef and $dynamicAnchor"),
        "optional/format-assertion.json": customMetaSchema,
        "optional/refOfUnknownKeyword.json":
            "Refers to the values of keywords unknown to draft 2020-12, or into the value of 'examples'; the validator refuses unknown keywords when loading and resolves $ref only to schemas.",
        "optional/unknownKeyword.json": unknownKeywords,
        "optional/format/duration.json": annotationOnly("duration"),
        "optional/format/ecmascript-regex.json": annotationOnly("regex"),
        "optional/format/hostname.json": annotationOnly("hostname"),
        "optional/format/idn-email.json": annotationOnly("idn-email"),
        "optional/format/idn-hostname.json": annotationOnly("idn-hostname"),
        "optional/format/ipv4.json": annotationOnly("ipv4"),
        "optional/format/ipv6.json": annotationOnly("ipv6"),
        "optional/format/iri.json": annotationOnly("iri"),
        "optional/format/iri-reference.json": annotationOnly("iri-reference"),
        "optional/format/json-pointer.json": annotationOnly("json-pointer"),
        "optional/format/regex.json": annotationOnly("regex"),
        "optional/format/relative-json-pointer.json": annotationOnly("relative-json-pointer"),
        "optional/format/uri-reference.json": annotationOnly("uri-reference"),
        "optional/format/uri-template.json": annotationOnly("uri-template"),
    ]

    /// Single cases, by file and case description.
    static let cases: [String: [String: String]] = [
        "additionalProperties.json": ["additionalProperties with propertyNames": refused("propertyNames")],
        "defs.json": ["validate definition against metaschema": metaSchema],
        "format.json": [
            "email format": assertedFormat, "date format": assertedFormat, "date-time format": assertedFormat,
            "time format": assertedFormat, "uri format": assertedFormat, "uuid format": assertedFormat,
        ],
        "not.json": ["collect annotations inside a 'not', even if collection is disabled": refused("unevaluatedProperties")],
        "pattern.json": ["pattern with Unicode property escape requires unicode mode": propertyEscapes],
        "patternProperties.json": ["patternProperties with Unicode property escape": propertyEscapes],
        "ref.json": [
            "remote ref, containing refs itself": metaSchema,
            "ref creates new scope when adjacent to keywords": refused("unevaluatedProperties"),
            "order of evaluation: $id and $anchor and $ref": refused("$anchor"),
            "URN base URI with URN and anchor ref": refused("$anchor"),
        ],
        "refRemote.json": [
            "anchor within remote ref": remoteAnchor,
            "Location-independent identifier in remote ref": remoteAnchor,
            "$ref to $ref finds detached $anchor": remoteAnchor,
        ],
        "optional/ecmascript-regex.json": [
            "ECMA 262 regex escapes control codes with \\c and upper letter": controlEscapes,
            "ECMA 262 regex escapes control codes with \\c and lower letter": controlEscapes,
            "patterns always use unicode semantics with pattern": propertyEscapes,
            "pattern with non-ASCII digits": propertyEscapes,
            "patterns always use unicode semantics with patternProperties": propertyEscapes,
            "patternProperties with non-ASCII digits": propertyEscapes,
        ],
    ]

    private static func refused(_ keywords: String) -> String {
        "Uses \(keywords), which the validator does not support: it refuses such a schema when loading it."
    }

    private static func annotationOnly(_ format: String) -> String {
        "The format \(format) is not asserted (only date, date-time, time, email, uri, uuid and nhs-number are), so as an annotation it passes invalid strings."
    }

    private static let assertedFormat =
        "The validator asserts this format (Schemas/README.md: formats are assertions in this catalogue), where the suite's required tests expect an annotation only."
    private static let customMetaSchema =
        "Uses a custom meta-schema as $schema ($vocabulary); only the draft 2020-12 meta-schema's URI is accepted, and no meta-schema is loaded."
    private static let metaSchema =
        "Refers to the draft 2020-12 meta-schema, which is not in the catalogue (it uses $dynamicRef and $vocabulary, which are not supported)."
    private static let unknownKeywords = "Uses keywords unknown to draft 2020-12; the validator refuses them when loading, never ignoring them silently."
    private static let remoteAnchor = "Refers into a remote document that uses $anchor, which the validator refuses when loading."
    private static let propertyEscapes = "Uses Unicode property escapes (\\p{...}), outside the validator's regular-expression subset; refused when loaded."
    private static let controlEscapes = "Uses control escapes (\\cX), outside the validator's regular-expression subset; refused when loaded."
}
