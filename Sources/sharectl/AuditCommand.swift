import ArgumentParser
import Foundation
import ShareAudit
import ShareClient

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the broker's audit log (auditor agencies only).",
        subcommands: [AuditVerify.self, AuditExportCommand.self])
}

/// Reports on standard error how many audit entries have been read, and of how many.
func reportProgress(read: Int, total: Int) {
    FileHandle.standardError.write(Data("\rentries read: \(read)/\(total)".utf8))
}

/// A Certificate-Transparency-style monitor of the audit log.
struct AuditVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify the signed tree head, prove it extends the last one verified, and save it.",
        discussion: """
            Checks the tree head's ES256 signature against the broker's audit key from /v1/directory
            (pinned in the state file after the first run), then asks for an RFC 9162 consistency
            proof from the tree head saved in the state file and verifies it. With --full it
            downloads every entry, recomputes the root, and keeps the leaf hashes in the state file
            so that a later failure names the first entry that changed. With --offline DIR it
            verifies an export made by 'sharectl audit export', with no broker. Exit 0 when
            everything verifies, 1 when anything does not (the state file is then unchanged).
            """)

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The file that keeps the last verified tree head.") var state = "sharectl-audit-state.json"
    @Flag(help: "Also download every entry and recompute the root hash.") var full = false
    @Option(help: "Verify an exported log in this folder instead of asking a broker.") var offline: String?

    func run() async throws {
        let previous = try loadState()
        let checkpoint: AuditCheckpoint
        do {
            if let offline {
                let export = try AuditExport.read(from: URL(fileURLWithPath: offline))
                checkpoint = try export.verify(previous: previous)
                print("tree head: \(checkpoint.treeSize) entries, root \(checkpoint.rootHash), signed \(checkpoint.timestamp): signature verified")
                print("all \(checkpoint.treeSize) exported entries hash to the signed root")
            } else {
                checkpoint = try await reportingFailures { try await connection.withClient(verifyOnline(previous)) }
            }
        } catch let failure as AuditVerifier.Failure {
            FileHandle.standardError.write(Data("sharectl: AUDIT VERIFICATION FAILED: \(failure)\n".utf8))
            throw ExitCode.failure
        }
        if let previous, previous.treeSize <= checkpoint.treeSize {
            print("consistent with the tree head verified before (\(previous.treeSize) entries, \(previous.timestamp))")
        } else if previous == nil {
            print("first check: no earlier tree head in \(state); this one is now the reference")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(checkpoint).write(to: URL(fileURLWithPath: state), options: .atomic)
    }

    private func verifyOnline(_ previous: AuditCheckpoint?) -> (ShareClient) async throws -> AuditCheckpoint {
        { client in
            let verifier = AuditVerifier(client: client)
            var head = try await verifier.verifiedTreeHead(pinnedKeyID: previous?.auditKeyID)
            print("tree head: \(head.treeSize) entries, root \(head.rootHash), signed \(head.timestamp): signature verified")
            if full {
                let entries = try await verifier.downloadEntries(treeSize: head.treeSize, progress: reportProgress)
                FileHandle.standardError.write(Data("\n".utf8))
                head = try AuditVerifier.verifyEntries(entries, head: head, previous: previous)
                print("all \(head.treeSize) entries hash to the signed root")
                return head
            }
            if let previous {
                do {
                    try await verifier.verifyConsistency(from: previous, to: head)
                } catch let failure as AuditVerifier.Failure {
                    let location = await verifier.locateDamage(previous: previous, current: head)
                    throw AuditVerifier.Failure(description: [location, failure.description].compactMap { $0 }.joined(separator: ". "))
                }
                head.leafHashes = previous.leafHashes
            }
            return head
        }
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

struct AuditExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Save the signed tree head, the audit key and every entry to a folder, for 'audit verify --offline'.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The folder to write.") var folder: String

    func run() async throws {
        let export = try await reportingFailures {
            try await connection.withClient { client in
                try await AuditExport.download(with: AuditVerifier(client: client), progress: reportProgress)
            }
        }
        FileHandle.standardError.write(Data("\n".utf8))
        try export.write(to: URL(fileURLWithPath: folder))
        print("exported \(export.entries.count) entries and the tree head signed \(export.treeHead.timestamp) to \(folder)")
    }
}
