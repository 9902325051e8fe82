import Crypto
import Foundation
import ShareBroker
import ShareCalendar
import ShareCatalogue
import ShareJWS
import ShareModel
import ShareSchema

/// A reader of bytes that arrive from outside, fuzzed on every input it is given. A crash, an
/// out-of-bounds access (AddressSanitizer), a hang, a leak or a broken property is a finding;
/// a refusal (a thrown error) is the reader doing its job.
enum FuzzTarget: String, CaseIterable, Sendable {
    /// The compact-JWS reader and the ES256 check, as a publish runs them.
    case jws
    /// The JSON parser; what it accepts, written again and parsed again, is the same value.
    case json
    /// The schema validator over every schema of the catalogue.
    case schema
    /// The regular-expression engine of `pattern`: the first line is the pattern, the rest the text.
    case regex
    /// The batch publish body reader.
    case batch
    /// The sharing policy loader.
    case policy
    /// The area calendar loader, and both deadline rules on what it accepts.
    case calendar

    /// The target named by `SHAREBROKER_FUZZ_TARGET`.
    static let selected: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["SHAREBROKER_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            fatalError("Set SHAREBROKER_FUZZ_TARGET to one of \(allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return target
    }()

    /// Loads what the targets keep for every input (the catalogue, the key) before the first
    /// input, so that libFuzzer's leak check does not count it against that input.
    func prepare() {
        _ = Self.catalogue.messageTypes.count
        _ = Self.key
    }

    /// Runs the target on one input.
    func run(_ data: Data) {
        switch self {
        case .jws: Self.jws(data)
        case .json: Self.json(data)
        case .schema: Self.schema(data)
        case .regex: Self.regex(data)
        case .batch: _ = try? BatchBody.messages(in: data, limit: 100)
        case .policy: _ = try? SharingPolicy(parsing: data, knownTypes: Set(Self.catalogue.messageTypes))
        case .calendar: Self.calendar(data)
        }
    }

    /// The message catalogue, from `SHAREBROKER_SCHEMAS` (default `Schemas`, run from the repository).
    private static let catalogue: MessageCatalogue = {
        let folder = ProcessInfo.processInfo.environment["SHAREBROKER_SCHEMAS"] ?? "Schemas"
        do {
            return try MessageCatalogue.load(directory: URL(fileURLWithPath: folder))
        } catch {
            fatalError("Cannot load the catalogue from \(folder): \(error); set SHAREBROKER_SCHEMAS.")
        }
    }()

    private static let key = VerificationKey(P256.Signing.PrivateKey().publicKey)

    private static func jws(_ data: Data) {
        if SDJWT.isSDJWT(data), let sdjwt = try? SDJWT(compact: data) {
            _ = try? sdjwt.reconstruct()
            return
        }
        guard let jws = try? CompactJWS(compact: CompactJWS.trimmingTrailingWhitespace(data)) else { return }
        _ = try? jws.requireES256()
        _ = try? ES256.verify(jws, with: key.key)
        _ = try? JSONValue(parsing: jws.payload)
    }

    private static func json(_ data: Data) {
        guard let value = try? JSONValue(parsing: data) else { return }
        let written = JSONWriter.data(value)
        guard let again = try? JSONValue(parsing: written), again == value else {
            fatalError("A value the parser accepted did not survive being written and parsed again.")
        }
    }

    private static func schema(_ data: Data) {
        guard let value = try? JSONValue(parsing: data) else { return }
        _ = catalogue.problems(in: value)
        for type in catalogue.messageTypes {
            _ = catalogue.problems(in: .object(["type": .string(type.description), "payload": value]))
        }
    }

    private static func regex(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let pattern = String(parts[0])
        let subject = parts.count > 1 ? String(parts[1]) : ""
        let document = SchemaDocument(json: .object(["$id": .string("urn:fuzz:regex"), "pattern": .string(pattern)]),
                                      retrievalURI: "urn:fuzz:regex")
        guard let schemas = try? SchemaCatalogue([document]), let validator = schemas.validator(for: "urn:fuzz:regex") else { return }
        _ = validator.isValid(.string(subject))
    }

    private static func calendar(_ data: Data) {
        guard let calendar = try? AreaCalendar(parsing: data) else { return }
        let instants = [Date(timeIntervalSince1970: 1_790_000_000), Date(timeIntervalSince1970: 1_800_000_000)]
        for instant in instants {
            _ = calendar.dueBy(.nextSchoolDay, from: instant)
            _ = calendar.dueBy(.workingDays(60), from: instant)
        }
    }
}
