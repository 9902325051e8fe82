import ShareModel
import ShareSchema
import Testing

/// Whether `text` passes `format`.
private func passes(_ format: String, _ text: String) throws -> Bool {
    let catalogue = try SchemaCatalogue([SchemaDocument(json: .object(["format": .string(format)]), retrievalURI: "urn:format")])
    return try #require(catalogue.validator(for: "urn:format")).isValid(.string(text))
}

@Suite("format assertions")
struct FormatTests {
    // date: YYYY-MM-DD and a real calendar date, leap years included.
    @Test(arguments: [
        ("2024-02-29", true), ("2000-02-29", true), ("2027-02-29", false), ("1900-02-29", false), ("2025-04-31", false),
        ("2025-12-31", true), ("2025-13-01", false), ("2025-00-10", false), ("2025-01-00", false), ("2025-1-01", false),
        ("2025-01-01T00:00:00Z", false), ("２０２５-01-01", false), ("", false),
    ])
    func date(text: String, valid: Bool) throws {
        #expect(try passes("date", text) == valid)
    }

    // date-time: RFC 3339 with seconds, optional fraction, Z or an offset; limits on each field; a
    // leap second (second 60) only at 23:59:60 UTC, the offset taken off.
    @Test(arguments: [
        ("2025-03-01T10:15:00Z", true), ("2025-03-01t10:15:00z", true), ("2025-03-01T10:15:00.250+01:00", true),
        ("2016-12-31T23:59:60Z", true), ("2016-12-31T15:59:60.5-08:00", true), ("2017-01-01T00:59:60+01:00", true),
        ("2016-12-31T23:59:60+01:00", false), ("2016-12-31T22:59:60Z", false), ("2016-12-31T23:58:60Z", false),
        ("2025-03-01T23:59:59-23:59", true),
        ("2025-03-01T10:15Z", false), ("2025-03-01T10:15:00", false), ("2025-03-01 10:15:00Z", false),
        ("2025-03-01T24:00:00Z", false), ("2025-03-01T10:60:00Z", false), ("2025-03-01T10:15:61Z", false),
        ("2025-03-01T10:15:00+24:00", false), ("2025-03-01T10:15:00+01:60", false), ("2025-03-01T10:15:00.Z", false),
        ("2025-02-30T10:15:00Z", false), ("2025-03-01T10:15:00+0100", false),
    ])
    func dateTime(text: String, valid: Bool) throws {
        #expect(try passes("date-time", text) == valid)
    }

    // time: RFC 3339 full-time, offset required; second 60 only at 23:59 UTC.
    @Test(arguments: [
        ("09:30:00Z", true), ("09:30:00.5+05:30", true), ("09:30:00", false), ("9:30:00Z", false),
        ("23:59:60Z", true), ("23:59:60-00:00", true), ("01:29:60+01:30", true), ("00:29:60-23:30", true),
        ("22:59:60Z", false), ("23:58:60Z", false), ("23:59:60+00:30", false), ("12:00:60Z", false),
    ])
    func time(text: String, valid: Bool) throws {
        #expect(try passes("time", text) == valid)
    }

    // email: an RFC 5321 mailbox. The local part is dot-separated atoms or a quoted string (at most
    // 64 bytes); the domain is letter-digit-hyphen labels or a bracketed IPv4 or IPv6 address.
    @Test(arguments: [
        ("alex.morgan@example.nhs.uk", true), ("a@b", true), ("no-at-sign", false), ("@example.org", false),
        ("alex@", false), ("a@b@c", false), ("alex morgan@example.org", false), ("alex@exa\tmple.org", false),
        ("o'neil+tag~1@example.org", true), ("\"alex morgan\"@example.org", true), ("\"a@b\"@example.org", true),
        (#""a\"b"@example.org"#, true), ("\"unclosed@example.org", false), ("\"a\"b@example.org", false),
        (".alex@example.org", false), ("alex.@example.org", false), ("al..ex@example.org", false),
        ("alex@invalid=domain.org", false), ("alex@-example.org", false), ("alex@example-.org", false),
        ("alex@example..org", false), ("alex@example.org.", false), ("josé@example.org", false),
        ("alex@[127.0.0.1]", true), ("alex@[IPv6:::1]", true), ("alex@[ipv6:2001:db8::1.2.3.4]", true),
        ("alex@[127.0.0.300]", false), ("alex@[1.2.3]", false), ("alex@[IPv6:1::2::3]", false), ("alex@[tag:value]", false),
        (String(repeating: "a", count: 64) + "@example.org", true), (String(repeating: "a", count: 65) + "@example.org", false),
        ("alex@" + String(repeating: "a", count: 63) + ".org", true), ("alex@" + String(repeating: "a", count: 64) + ".org", false),
    ])
    func email(text: String, valid: Bool) throws {
        #expect(try passes("email", text) == valid)
    }

    // uri: an RFC 3986 URI: a scheme, then RFC 3986 characters or %-escapes in their places; an
    // authority's userinfo, host (a name, or an IPv6 or IPvFuture literal in brackets) and digit-only port.
    @Test(arguments: [
        ("https://meet.example.org/room/123?x=1#top", true), ("urn:sharebroker:schema:common", true), ("mailto:a@b", true),
        ("/relative/path", false), ("example.org", false), ("1http://x", false), ("https://exa mple.org", false),
        ("https://example.org/%zz", false), ("https://example.org/%C3%A9", true), ("https://example.org/é", false),
        ("https://example.org/a#b#c", false), ("https://example.org/%4", false),
        ("http://user:pa%20ss@example.org:8080/p", true), ("http://example.org:/", true), ("http://087.10.0.1/", true),
        ("http://[2001:db8::7]/c=GB?x", true), ("http://[::ffff:1.2.3.4]/", true), ("http://[v7.fe80::a+en1]/", true),
        ("https://[@example.org/", false), ("https://us[er@example.org/", false), ("http://example.org:abc/", false),
        ("http://example.org:80:90/", false), ("http://[::ffff:01.2.3.4]/", false), ("http://[::1/", false),
        ("http://[1:2:3:4:5:6:7:8:9]/", false), ("http:/[::1]", false), ("http://example.org/a[1]", false),
        ("http://example.org/?q=[x]", false), ("ht_tp://example.org", false),
    ])
    func uri(text: String, valid: Bool) throws {
        #expect(try passes("uri", text) == valid)
    }

    // uuid: 8-4-4-4-12 hexadecimal digits.
    @Test(arguments: [
        ("2b7c0f7e-5a43-4c8e-9a5e-0d6f5f3f2a11", true), ("2B7C0F7E-5A43-4C8E-9A5E-0D6F5F3F2A11", true),
        ("2b7c0f7e5a434c8e9a5e0d6f5f3f2a11", false), ("2b7c0f7e-5a43-4c8e-9a5e-0d6f5f3f2a1", false),
        ("2b7c0f7e-5a43-4c8e-9a5e-0d6f5f3f2a1g", false), ("{2b7c0f7e-5a43-4c8e-9a5e-0d6f5f3f2a11}", false),
    ])
    func uuid(text: String, valid: Bool) throws {
        #expect(try passes("uuid", text) == valid)
    }

    // nhs-number: ten ASCII digits whose last is the modulus 11 check digit; a check value of 10 is never valid.
    @Test(arguments: [
        ("9434765919", true), ("9990001235", true), ("4010232137", true), ("4857773457", true),
        ("9990001234", false), ("9434765918", false),
        ("1234567890", false), ("1234567891", false),  // check value 10
        ("943 476 5919", false), ("943476591", false), ("94347659190", false), ("943476591a", false), ("٩٤٣٤٧٦٥٩١٩", false),
    ])
    func nhsNumber(text: String, valid: Bool) throws {
        #expect(try passes("nhs-number", text) == valid)
    }

    // Formats apply only to strings, and unknown format names are annotations that always pass.
    @Test func formatsIgnoreOtherTypesAndUnknownNames() throws {
        let catalogue = try SchemaCatalogue([SchemaDocument(json: .object(["format": .string("date")]), retrievalURI: "urn:format")])
        #expect(try #require(catalogue.validator(for: "urn:format")).isValid(.number(20250101)))
        #expect(try passes("hostname", "not a hostname!"))
    }

    // Format failures explain the expected form and never quote the value.
    @Test func formatMessages() throws {
        let schema = try validator(#"{"properties": {"nhsNumber": {"format": "nhs-number"}, "dob": {"format": "date"}}}"#)
        let errors = try schema.errors(#"{"nhsNumber": "9990001234", "dob": "2027-02-29"}"#)
        #expect(errors.map(\.keyword) == ["format", "format"])
        #expect(errors.map(\.message) == [
            "'dob' must be a real calendar date written YYYY-MM-DD (RFC 3339 full-date), such as 2025-01-31.",
            "'nhsNumber' must be an NHS number: ten digits whose last is the modulus 11 check digit of the first nine; this value fails the check.",
        ])
        #expect(!errors.contains { $0.message.contains("9990001234") || $0.message.contains("2027") })
    }
}
