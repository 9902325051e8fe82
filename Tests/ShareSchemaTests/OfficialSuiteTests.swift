import Foundation
import ShareModel
import ShareSchema
import Testing

/// Runs the official JSON Schema Test Suite for draft 2020-12 (see `OfficialSuite` for where it
/// is and its licence): every file of `tests/draft2020-12` and of its `optional` folder, formats
/// included. Each wrong answer is an issue naming the file, the case and the test. What this
/// validator deliberately does not support is listed, with the reason, in `OfficialSuiteSkips`.
@Suite("official JSON Schema Test Suite, draft 2020-12")
struct OfficialSuiteTests {
    private static let folder = "tests/draft2020-12/"

    /// Fails, rather than skips, when the suite is not beside the repository; and checks that
    /// every skipped file is one of the suite's.
    @Test func suiteIsPresent() throws {
        try #require(OfficialSuite.files.count > 50, "The JSON Schema Test Suite is missing at \(OfficialSuite.root.path)")
        #expect(OfficialSuite.files.contains(Self.folder + "optional/format/email.json"))
        #expect(OfficialSuite.remotes.count > 10)
        for file in Set(OfficialSuiteSkips.files.keys).union(OfficialSuiteSkips.cases.keys) {
            #expect(OfficialSuite.files.contains(Self.folder + file), "OfficialSuiteSkips names \(file), which the suite does not have")
        }
    }

    @Test(arguments: OfficialSuite.files)
    func file(_ path: String) throws {
        let file = String(path.dropFirst(Self.folder.count))
        let cases = try OfficialSuite.cases(in: path)
        if let reason = OfficialSuiteSkips.files[file] {
            #expect(cases.contains { !Self.wrongAnswers($0).isEmpty }, "\(file) is skipped (\(reason)), but every case passes: take it off the list")
            return
        }
        let skipped = OfficialSuiteSkips.cases[file] ?? [:]
        for name in skipped.keys where !cases.contains(where: { $0.description == name }) {
            Issue.record("OfficialSuiteSkips names the case \"\(name)\", which \(file) does not have")
        }
        for suiteCase in cases {
            let wrong = Self.wrongAnswers(suiteCase)
            if let reason = skipped[suiteCase.description] {
                #expect(!wrong.isEmpty, "\(file): \(suiteCase.description) is skipped (\(reason)), but passes: take it off the list")
            } else {
                for answer in wrong { Issue.record("\(file): \(suiteCase.description): \(answer)") }
            }
        }
    }

    /// "test: expected valid, got invalid" for each test answered wrongly by `isValid` or by
    /// `validate`, or why the case's schema could not be loaded.
    static func wrongAnswers(_ suiteCase: OfficialSuite.Case) -> [String] {
        let uri = "urn:json-schema-test-suite:case"
        let validator: SchemaValidator
        do {
            let catalogue = try SchemaCatalogue([SchemaDocument(json: suiteCase.schema, retrievalURI: uri)] + OfficialSuite.remotes)
            guard let found = catalogue.validator(for: uri) else { return ["the catalogue has no schema at \(uri)"] }
            validator = found
        } catch {
            return ["the schema was refused: \(error)"]
        }
        let word = { (valid: Bool) in valid ? "valid" : "invalid" }
        return suiteCase.tests.compactMap { test in
            let valid = validator.isValid(test.data)
            let reported = validator.validate(test.data).isEmpty
            guard valid != test.valid || reported != test.valid else { return nil }
            return "\(test.description): expected \(word(test.valid)), got \(word(valid)) (validate: \(word(reported)))"
        }
    }
}
