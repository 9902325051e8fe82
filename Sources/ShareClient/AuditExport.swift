public import Foundation
public import ShareAudit
public import ShareJWS

/// A copy of the audit log that can be verified with no broker: the signed tree head, the
/// audit key it was checked with, and every entry's bytes.
///
/// Files in the folder: `tree-head.json` (`{"treeHead", "signed"}` as the broker serves it),
/// `audit-key.json` (the JWK), `entries.jsonl` (one `{"index", "leaf"}` per line, `leaf` the
/// base64 of the entry's exact bytes).
public struct AuditExport {
    public let treeHead: TreeHead
    public let signed: String
    public let auditKey: JWK
    public let entries: [(index: Int, leaf: String)]

    /// Downloads a verified tree head and every entry up to it; `progress` is told after each
    /// page how many entries have been read, and of how many (the tree head's size).
    public static func download(with verifier: AuditVerifier, progress: (_ read: Int, _ total: Int) -> Void) async throws -> AuditExport {
        let directory = try await verifier.client.directory()
        guard let key = directory.broker.auditKeys.first else {
            throw AuditVerifier.Failure(description: "The broker publishes no audit key in /v1/directory.")
        }
        let jwk = JWK(kty: key.kty, crv: key.crv, x: key.x, y: key.y)
        let answer: SignedTreeHeadAnswer = try await verifier.client.get("/v1/audit/tree-head")
        _ = try AuditVerifier.checkpoint(head: answer.treeHead, signed: answer.signed, key: jwk)
        let entries = try await verifier.downloadEntries(treeSize: answer.treeHead.treeSize, progress: progress)
        return AuditExport(treeHead: answer.treeHead, signed: answer.signed, auditKey: jwk, entries: entries)
    }

    public func write(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(SignedTreeHeadAnswer(treeHead: treeHead, signed: signed))
            .write(to: folder.appendingPathComponent("tree-head.json"))
        try encoder.encode(auditKey).write(to: folder.appendingPathComponent("audit-key.json"))
        let lines = entries.map { #"{"index":\#($0.index),"leaf":"\#($0.leaf)"}"# }.joined(separator: "\n") + "\n"
        try Data(lines.utf8).write(to: folder.appendingPathComponent("entries.jsonl"))
    }

    public static func read(from folder: URL) throws -> AuditExport {
        func file(_ name: String) throws -> Data {
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else {
                throw AuditVerifier.Failure(description: "\(folder.path) has no \(name); make the export with 'sharectl audit export'.")
            }
            return data
        }
        let head = try JSONDecoder().decode(SignedTreeHeadAnswer.self, from: try file("tree-head.json"))
        let key = try JSONDecoder().decode(JWK.self, from: try file("audit-key.json"))
        var entries: [(index: Int, leaf: String)] = []
        for line in String(decoding: try file("entries.jsonl"), as: UTF8.self).split(separator: "\n") {
            let entry = try JSONDecoder().decode(AuditEntriesAnswer.Entry.self, from: Data(line.utf8))
            entries.append((entry.index, entry.leaf))
        }
        return AuditExport(treeHead: head.treeHead, signed: head.signed, auditKey: key, entries: entries)
    }

    /// Verifies the export on its own and against `previous`; returns the checkpoint to keep.
    public func verify(previous: AuditCheckpoint?) throws -> AuditCheckpoint {
        if let pinned = previous?.auditKeyID, pinned != auditKey.thumbprint {
            throw AuditVerifier.Failure(description: "The export is signed with audit key \(auditKey.thumbprint), not the pinned \(pinned).")
        }
        let head = try AuditVerifier.checkpoint(head: treeHead, signed: signed, key: auditKey)
        return try AuditVerifier.verifyEntries(entries, head: head, previous: previous)
    }
}
