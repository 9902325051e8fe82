/// A built-in schema of about 100 subschemas shaped like a referral envelope, with patterns,
/// formats, enums and `$ref`s, and a matching instance of about 4 KiB, for when no real
/// instance is given.
enum Synthetic {
    static let schemaID = "urn:schema-bench:synthetic-referral"

    static let schema = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "$id": "urn:schema-bench:synthetic-referral",
      "type": "object",
      "required": ["id", "type", "sender", "to", "area", "subject", "disclosure", "sentAt", "payload"],
      "additionalProperties": false,
      "properties": {
        "id": {"$ref": "#/$defs/uuid"},
        "type": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{1,62}/[1-9][0-9]*$"},
        "sender": {"$ref": "#/$defs/agencyId"},
        "to": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/agencyId"}, "uniqueItems": true},
        "area": {"type": "string", "pattern": "^[EWSN][0-9]{8}$"},
        "subject": {"$ref": "#/$defs/subject"},
        "disclosure": {"$ref": "#/$defs/disclosure"},
        "sentAt": {"$ref": "#/$defs/dateTime"},
        "expiresAt": {"$ref": "#/$defs/dateTime"},
        "payload": {"$ref": "#/$defs/payload"}
      },
      "$defs": {
        "uuid": {"type": "string", "format": "uuid", "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"},
        "agencyId": {"type": "string", "pattern": "^[a-z][a-z0-9-]{2,62}$"},
        "dateTime": {"type": "string", "format": "date-time"},
        "date": {"type": "string", "format": "date"},
        "shortText": {"type": "string", "minLength": 1, "maxLength": 200},
        "longText": {"type": "string", "minLength": 1, "maxLength": 20000},
        "name": {
          "type": "object", "required": ["family"], "additionalProperties": false,
          "properties": {"given": {"$ref": "#/$defs/shortText"}, "family": {"$ref": "#/$defs/shortText"}}
        },
        "address": {
          "type": "object", "required": ["lines", "postcode"], "additionalProperties": false,
          "properties": {
            "lines": {"type": "array", "minItems": 1, "maxItems": 5, "items": {"$ref": "#/$defs/shortText"}},
            "postcode": {"type": "string", "pattern": "^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$"}
          }
        },
        "person": {
          "type": "object", "required": ["name"], "additionalProperties": false,
          "properties": {
            "nhsNumber": {"type": "string", "format": "nhs-number"},
            "name": {"$ref": "#/$defs/name"},
            "dateOfBirth": {"$ref": "#/$defs/date"},
            "address": {"$ref": "#/$defs/address"},
            "relationship": {"enum": ["mother", "father", "sibling", "grandparent", "partner", "other"]}
          }
        },
        "subject": {
          "type": "object", "minProperties": 1,
          "properties": {
            "kind": {"enum": ["child", "unborn"]},
            "mother": {"$ref": "#/$defs/person"},
            "expectedDelivery": {"$ref": "#/$defs/date"},
            "localIds": {"type": "object", "patternProperties": {"^[a-z]+$": {"type": "string", "maxLength": 40}}, "additionalProperties": false}
          },
          "if": {"properties": {"kind": {"const": "unborn"}}, "required": ["kind"]},
          "then": {"required": ["mother", "expectedDelivery"]},
          "else": {"required": ["mother"]}
        },
        "professional": {
          "type": "object", "required": ["name", "role", "agency"], "additionalProperties": false,
          "properties": {
            "name": {"$ref": "#/$defs/name"},
            "role": {"enum": ["midwife", "health-visitor", "social-worker", "gp", "police-officer", "teacher"]},
            "agency": {"$ref": "#/$defs/agencyId"},
            "email": {"type": "string", "format": "email", "maxLength": 254},
            "phone": {"type": "string", "pattern": "^\\+?[0-9 ]{10,15}$"}
          },
          "anyOf": [{"required": ["email"]}, {"required": ["phone"]}]
        },
        "disclosure": {
          "type": "object", "required": ["lawfulBasis", "decidedBy", "decidedAt", "consent"], "additionalProperties": false,
          "properties": {
            "lawfulBasis": {"enum": ["public-task", "legal-obligation", "vital-interests", "consent"]},
            "condition": {"type": "string", "pattern": "^(art9-2-[a-j]|dpa-sch1-[0-9]{1,2})$"},
            "decidedBy": {"$ref": "#/$defs/professional"},
            "decidedAt": {"$ref": "#/$defs/dateTime"},
            "consent": {
              "oneOf": [
                {"type": "object", "required": ["given"], "properties": {"given": {"const": true}, "recordedAt": {"$ref": "#/$defs/dateTime"}}},
                {"type": "object", "required": ["given", "reason"], "properties": {"given": {"const": false}, "reason": {"$ref": "#/$defs/longText"}}}
              ]
            },
            "reviewBy": {"$ref": "#/$defs/date"}
          },
          "dependentRequired": {"condition": ["lawfulBasis"]}
        },
        "concern": {
          "type": "object", "required": ["category", "detail", "urgency"], "additionalProperties": false,
          "properties": {
            "category": {"enum": ["domestic-abuse", "substance-misuse", "mental-health", "neglect", "housing", "other"]},
            "detail": {"$ref": "#/$defs/longText"},
            "since": {"$ref": "#/$defs/date"},
            "urgency": {"enum": ["red", "amber", "green"]},
            "score": {"type": "integer", "minimum": 0, "maximum": 10}
          }
        },
        "payload": {
          "type": "object", "required": ["concerns", "professionals", "summary"], "additionalProperties": false,
          "properties": {
            "summary": {"$ref": "#/$defs/longText"},
            "concerns": {"type": "array", "minItems": 1, "maxItems": 50, "items": {"$ref": "#/$defs/concern"}},
            "professionals": {"type": "array", "items": {"$ref": "#/$defs/professional"}},
            "household": {"type": "array", "items": {"$ref": "#/$defs/person"}},
            "meeting": {
              "type": "object",
              "properties": {"at": {"$ref": "#/$defs/dateTime"}, "place": {"$ref": "#/$defs/shortText"}, "online": {"type": "boolean"}},
              "dependentSchemas": {"online": {"properties": {"link": {"type": "string", "format": "uri"}}}}
            }
          }
        }
      }
    }
    """#

    /// A valid instance of about 4 KiB.
    static func instance() -> String {
        let concern = #"""
        {"category": "domestic-abuse", "detail": "Reported by the community midwife at the booking appointment; follow-up visit arranged with the family.", "since": "2025-01-14", "urgency": "amber", "score": 6}
        """#
        let professional = #"""
        {"name": {"given": "Alex", "family": "Morgan"}, "role": "midwife", "agency": "example-nhs-trust", "email": "alex.morgan@example.nhs.uk", "phone": "+44 1632 960000"}
        """#
        let person = #"""
        {"name": {"given": "Sam", "family": "Taylor"}, "dateOfBirth": "1990-02-28", "relationship": "partner", "address": {"lines": ["1 Example Street", "Exampletown"], "postcode": "ZZ99 3AA"}}
        """#
        return #"""
        {
          "id": "2b7c0f7e-5a43-4c8e-9a5e-0d6f5f3f2a11",
          "type": "unborn-baby-referral/1",
          "sender": "example-nhs-trust",
          "to": ["example-council", "example-police"],
          "area": "E99999999",
          "subject": {
            "kind": "unborn",
            "mother": {"nhsNumber": "9434765919", "name": {"given": "Jo", "family": "Bloggs"}, "dateOfBirth": "1996-03-12",
                       "address": {"lines": ["2 Sample Road", "Exampletown"], "postcode": "ZZ99 3AB"}},
            "expectedDelivery": "2025-08-30",
            "localIds": {"maternity": "MAT-000123", "social": "SC-99887"}
          },
          "disclosure": {
            "lawfulBasis": "public-task",
            "condition": "art9-2-h",
            "decidedBy": \#(professional),
            "decidedAt": "2025-03-01T10:15:00Z",
            "consent": {"given": false, "reason": "Seeking consent would place the unborn baby at risk of significant harm."},
            "reviewBy": "2025-06-01"
          },
          "sentAt": "2025-03-01T10:20:31.250+00:00",
          "payload": {
            "summary": "Concerns raised at booking: history of domestic abuse and missed antenatal appointments. Pre-birth assessment requested before 28 weeks.",
            "concerns": [\#([String](repeating: concern, count: 7).joined(separator: ","))],
            "professionals": [\#([String](repeating: professional, count: 4).joined(separator: ","))],
            "household": [\#([String](repeating: person, count: 3).joined(separator: ","))],
            "meeting": {"at": "2025-03-10T14:00:00+00:00", "place": "Exampletown Children's Centre", "online": true, "link": "https://meet.example.org/room/123"}
          }
        }
        """#
    }
}
