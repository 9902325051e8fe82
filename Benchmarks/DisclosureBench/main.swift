import Crypto
import Foundation
import ShareBroker
import ShareJWS
import ShareModel

/// disclosure-bench [EXAMPLE_FILE] [--iterations N]
///
/// The CPU per message of selective disclosure (SD-JWT), on one thread: the example envelope
/// (default the catalogue's domestic abuse notification with an incident narrative) is signed
/// once as a plain JWS and once as an SD-JWT with 3 disclosable members (incidentAt,
/// keyAdultGuidance, incidentNarrative) and with all 9 of its payload members; then each
/// step is repeated N times (default 100,000) and its CPU time per message printed:
/// what publish does to read the body (a plain JWS: split and parse the payload; an SD-JWT:
/// split, hash and decode the disclosures, reconstruct), the routed entries' decision for its
/// three recipients, and one hand-out's `RecipientCopy` for a school. The ES256 verification,
/// the same for both forms, is not counted.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// Runs `body` `iterations` times and prints its CPU time per run in microseconds.
func measure(_ label: String, iterations: Int, _ body: () throws -> Void) rethrows {
    for _ in 0..<min(1000, iterations) { try body() }
    let start = cpuSeconds()
    for _ in 0..<iterations { try body() }
    let perRun = (cpuSeconds() - start) / Double(iterations) * 1e6
    print(label.padding(toLength: 70, withPad: " ", startingAt: 0) + String(format: "%7.2f µs", perRun))
}

var arguments = CommandLine.arguments.dropFirst()[...]
var iterations = 100_000
var path = "Schemas/examples/domestic-abuse-notification-1/valid-with-incident-narrative.json"
while let argument = arguments.popFirst() {
    if argument == "--iterations", let count = arguments.popFirst().flatMap(Int.init), count > 0 {
        iterations = count
    } else {
        path = argument
    }
}
guard let data = FileManager.default.contents(atPath: path), let envelope = try? JSONValue(parsing: data),
      let members = envelope["payload"]?.objectValue?.keys.map(\.string).sorted() else {
    FileHandle.standardError.write(Data("disclosure-bench: \(path) is not an envelope with a payload\n".utf8))
    exit(2)
}
let key = P256.Signing.PrivateKey()
let plain = Data(try ES256.sign(payload: JSONWriter.data(envelope), with: key, kid: "bench").utf8)
let rule = DisclosureRule(visible: [
    .education: ["/payload/incidentReference", "/payload/incidentAt", "/payload/childPresent", "/payload/nextSchoolDay",
                 "/payload/sentBeforeNextSchoolDay", "/payload/keyAdultGuidance", "/payload/policeContact"],
    .socialCare: ["/payload"], .mash: ["/payload"],
])
print("\(path): \(plain.count)-byte JWS, \(iterations) iterations per step")
try measure("publish, plain JWS: split, parse the payload", iterations: iterations) {
    _ = try JSONValue(parsing: try CompactJWS(compact: plain).payload)
}
for disclosable in [["incidentAt", "keyAdultGuidance", "incidentNarrative"], members] {
    let body = Data(try SDJWT.issue(envelope, disclosable: disclosable.map { JSONPointer(["payload", $0]) }, key: key, kid: "bench").utf8)
    let label = "SD-JWT, \(disclosable.count) disclosures (\(body.count) bytes)"
    print(label)
    try measure("  publish: split, hash, decode, reconstruct", iterations: iterations) {
        _ = try SDJWT(compact: body).reconstruct()
    }
    let sdjwt = try SDJWT(compact: body)
    let reconstruction = try sdjwt.reconstruct()
    measure("  publish: the routed entries' decision, 3 recipients", iterations: iterations) {
        for kind in [AgencyKind.education, .socialCare, .mash] { _ = RecipientCopy(sdjwt, reconstruction, rule: rule, for: kind) }
    }
    measure("  hand-out to a school: RecipientCopy (parse, reconstruct, filter)", iterations: iterations) {
        _ = RecipientCopy(of: body, rule: rule, for: .education)
    }
}
