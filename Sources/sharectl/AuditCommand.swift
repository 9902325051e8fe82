import ArgumentParser
import Foundation
import ShareClient

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the broker's audit log (auditor agencies only).",
        subcommands: [AuditVerify.self])
}

/// A Certificate-Transparency-style monitor of the audit log.
struct AuditVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify the signed tree head, prove it extends the last one verified, and save it.",
        discussion: """
            Checks the tree head's ES256 signature against the broker's audit key from /v1/directory
            (pinned in the state file after the first run), then asks for an RFC 9162 consistency
            proof from the tree head saved in the state file and verifies it. With --full it also
            downloads every entry and recomputes the root. Exit 0 when everything verifies, 1 when
            anything does not (the state file is then left unchanged).
            """)

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The file that keeps the last verified tree head.") var state = "sharectl-audit-state.json"
    @Flag(help: "Also download every entry and recompute the root hash.") var full = false

    func run() async throws {
        let previous = try loadState()
        let checkpoint = try await reportingFailures {
            try await connection.withClient { client -> AuditCheckpoint in
                let verifier = AuditVerifier(client: client)
                do {
                    let head = try await verifier.verifiedTreeHead(pinnedKeyID: previous?.auditKeyID)
                    print("tree head: \(head.treeSize) entries, root \(head.rootHash), signed \(head.timestamp): signature verified")
                    if let previous {
                        try await verifier.verifyConsistency(from: previous, to: head)
                        print("consistent with the tree head verified before (\(previous.treeSize) entries, \(previous.timestamp))")
                    } else {
                        print("first check: no earlier tree head in \(state); this one is now the reference")
                    }
                    if full {
                        try await verifier.verifyEntries(of: head) { count in
                            FileHandle.standardError.write(Data("\rentries read: \(count)/\(head.treeSize)".utf8))
                        }
                        FileHandle.standardError.write(Data("\n".utf8))
                        print("all \(head.treeSize) entries hash to the signed root")
                    }
                    return head
                } catch let failure as AuditVerifier.Failure {
                    FileHandle.standardError.write(Data("sharectl: AUDIT VERIFICATION FAILED: \(failure)\n".utf8))
                    throw ExitCode.failure
                }
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(checkpoint).write(to: URL(fileURLWithPath: state), options: .atomic)
    }

    private func loadState() throws -> AuditCheckpoint? {
        guard let data = FileManager.default.contents(atPath: state) else { return nil }
        do {
            return try JSONDecoder().decode(AuditCheckpoint.self, from: data)
        } catch {
            throw ValidationError("The state file \(state) is not a saved tree head; move it away to start afresh.")
        }
    }
}
