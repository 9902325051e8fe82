import Foundation
import ShareModel
import ShareServer

/// What `sharebroker demo` tells a person once it is listening.
enum DemoBanner {
    /// How a browser gets the auditor's certificate: the PKCS#12 file and its development password.
    static func workspace(folder: String, bundle: URL?) -> String {
        guard let bundle else {
            let pki = URL(fileURLWithPath: folder).appendingPathComponent("pki")
            return "make the auditor's certificate file for the browser with: "
                + AuditorBrowserBundle.command(pki: pki, output: pki.appendingPathComponent("northshire-audit.p12")).joined(separator: " ")
        }
        return """
            import \(bundle.path) into the browser's certificates (development password: \(AuditorBrowserBundle.password)),
              and trust \(folder)/pki/ca.crt as an authority for websites (DEVELOPMENT ONLY)
            """
    }

    static func text(folder: String, port: Int, metricsPort: Int?, created: Bool, browserBundle: URL?) -> String {
        let metrics = metricsPort.map {
            "\n  metrics        http://127.0.0.1:\($0)/metrics  (plain HTTP; also /livez and /readyz)"
        } ?? ""
        let width = DemoPartnership.members.map(\.id.count).max() ?? 0
        let agencies = DemoPartnership.members.map { "    \($0.id.padding(toLength: width + 3, withPad: " ", startingAt: 0))\($0.kind.rawValue)" }
            .joined(separator: "\n")
        return """

            sharebroker demo: the fictional Northshire partnership (area \(DemoPartnership.area))
              listening on   https://127.0.0.1:\(port)  (mutual TLS 1.3, HTTP/1.1 and HTTP/2)\(metrics)
              data folder    \(folder) (\(created ? "created now" : "reused"))
              agencies (certificates and signing keys in \(folder)/pki):
            \(agencies)

            Try it from another terminal in this folder:

              # publish the example referral as the hospital trust (sharectl signs it)
              swift run sharectl publish --as northshire-hospitals --demo-dir \(folder) \(folder)/examples/unborn-baby-referral.json

              # children's social care reads its inbox with curl
              curl --cacert \(folder)/pki/ca.crt --cert \(folder)/pki/northshire-csc.crt --key \(folder)/pki/northshire-csc.key \\
                   'https://127.0.0.1:\(port)/v1/inbox?wait=5'

              # ... or watches its deliveries arrive as Server-Sent Events
              curl -N --cacert \(folder)/pki/ca.crt --cert \(folder)/pki/northshire-csc.crt --key \(folder)/pki/northshire-csc.key \\
                   https://127.0.0.1:\(port)/v1/stream

              # the MASH subscribes to every referral in the area
              swift run sharectl subscriptions add --as northshire-mash --demo-dir \(folder) --type unborn-baby-referral/1 --area \(DemoPartnership.area)

            The auditor's workspace in a browser: https://127.0.0.1:\(port)/workspace
              \(workspace(folder: folder, bundle: browserBundle))

            Stop with Ctrl-C.

            """
    }
}
