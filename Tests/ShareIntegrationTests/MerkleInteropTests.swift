import Foundation
import ShareAudit
import ShareTesting
import Testing

/// Our Merkle tree against an independent one written from RFC 9162 with Python's hashlib,
/// and a broker's exported log verified by Python alone (hashlib and joserfc).
@Suite("Merkle interoperability with Python")
struct MerkleInteropTests {
    static let script = Paths.repository.appendingPathComponent("Tests/interop/merkle_reference.py").path

    struct Vector: Decodable {
        let size: Int
        let root: String
        let inclusion: [[String]]
        let consistency: [[String]]
    }

    @Test("roots, inclusion paths and consistency paths agree with hashlib for sizes 1 to 33")
    func agreesWithHashlib() async throws {
        let result = try await Subprocess.run("python3", [Self.script, "vectors"] + (1...33).map(String.init))
        #expect(result.status == 0, "\(result.stderr)")
        let vectors = try result.text.split(separator: "\n").map { try JSONDecoder().decode(Vector.self, from: Data($0.utf8)) }
        #expect(vectors.count == 33)
        for vector in vectors {
            let tree = MerkleTree(leafHashes: (0..<vector.size).map { MerkleHasher.leafHash(Data("leaf-\($0)".utf8)) })
            #expect(tree.rootHash.hex == vector.root, "root of \(vector.size)")
            for index in 0..<vector.size {
                #expect(try tree.inclusionProof(index: index, size: vector.size).map(\.hex) == vector.inclusion[index])
            }
            for first in 1...vector.size {
                #expect(try tree.consistencyProof(from: first, to: vector.size).map(\.hex) == vector.consistency[first - 1])
            }
        }
    }

    @Test("an exported broker log verifies in Python with no sharebroker code")
    func exportVerifiesInPython() async throws {
        let sharectl = try #require(Subprocess.productPath("sharectl"))
        try await withBroker { broker in
            for _ in 0..<3 { _ = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals") }
            let folder = broker.folder.appendingPathComponent("export")
            let exported = try await Subprocess.run(sharectl, [
                "audit", "export", folder.path, "--as", "northshire-audit", "--demo-dir", broker.folder.path,
                "--url", broker.baseURL.absoluteString,
            ])
            #expect(exported.status == 0, "\(exported.stderr)")
            let verified = try await Subprocess.run("python3", [Self.script, "export", folder.path])
            #expect(verified.status == 0, "\(verified.stderr)")
            #expect(Int(verified.text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 >= 7)

            let file = folder.appendingPathComponent("entries.jsonl")
            let text = try String(contentsOf: file, encoding: .utf8)
            try text.replacingOccurrences(of: #"{"index":1,"#, with: #"{"index":1,"leaf":"AAAA","x":"#)
                .write(to: file, atomically: true, encoding: .utf8)
            let forged = try await Subprocess.run("python3", [Self.script, "export", folder.path])
            #expect(forged.status == 1, "Python rejects a changed entry")
        }
    }
}
