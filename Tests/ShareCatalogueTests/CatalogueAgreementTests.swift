import Foundation
import ShareCatalogue
import ShareModel
import ShareSchema
import ShareTesting
import Testing

/// Python's jsonschema (Draft202012Validator, with the same nhs-number check) must reach the
/// same verdict, with the same errors, as our validator on every example of the catalogue.
@Suite("Catalogue agrees with Python jsonschema")
struct CatalogueAgreementTests {
    struct Verdict: Decodable, Equatable {
        let valid: Bool
        let errors: [CatalogueExample.ExpectedError]
    }

    @Test("the same verdict and errors on every example")
    func agreement() async throws {
        let script = RepositoryPaths.root.appendingPathComponent("Tests/interop/check_catalogue.py").path
        let report = try await Subprocess.run("python3", [script, "report", "--catalogue", RepositoryPaths.schemas.path])
        try #require(report.status == 0, "check_catalogue.py report failed: \(report.stderr)")
        let python = try JSONDecoder().decode([String: Verdict].self, from: report.stdout)
        let examples = try CatalogueExample.all()
        #expect(Set(python.keys) == Set(examples.map(\.relativePath)))
        for example in examples {
            let validator = try #require(repositoryCatalogue.schemas.validator(for: example.schemaID))
            let errors = validator.validate(try example.instance())
                .map { CatalogueExample.ExpectedError(instanceLocation: $0.instanceLocation.description, keyword: $0.keyword) }
                .sorted()
            #expect(python[example.relativePath] == Verdict(valid: errors.isEmpty, errors: errors), "\(example.relativePath)")
        }
    }
}

/// The catalogue's own rules (Schemas/README.md "Authoring rules"), checked by code nobody
/// here wrote: the 2020-12 metaschema, a description on every property, supported keywords only.
@Suite("Catalogue authoring rules")
struct CatalogueAuthoringTests {
    @Test("check_catalogue.py check passes")
    func check() async throws {
        let script = RepositoryPaths.root.appendingPathComponent("Tests/interop/check_catalogue.py").path
        let result = try await Subprocess.run("python3", [script, "check", "--catalogue", RepositoryPaths.schemas.path])
        #expect(result.status == 0, "\(result.text)\n\(result.stderr)")
    }
}
