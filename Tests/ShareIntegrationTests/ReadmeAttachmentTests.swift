import Crypto
import Foundation
import ShareModel
import ShareTesting
import Testing

/// Runs the commands of the README's "Documents by digest (attachments)" section against the
/// demo, as `ReadmeTryItTests` runs "Try it" (the same substitutions apply).
@Suite("README: Documents by digest")
struct ReadmeAttachmentTests {
    @Test("the commands of the README's attachments section work as written against the demo: upload with sharectl and curl, publish, receive, and download with sharectl and curl, each copy the document uploaded")
    func attachmentCommandsWork() async throws {
        let commands = try ReadmeCommand.commands(inSection: "Documents by digest (attachments)")
        try #require(commands.count == 8)
        try await ReadmeRun.withDemo { folder, demo in
            let runs = try await ReadmeRun.run(commands, in: folder, port: demo.port)
            for run in runs {
                #expect(run.status == 0, "\(run.command.text)\n\(run.stderr)")
            }
            let uploaded = try Data(contentsOf: folder.appendingPathComponent("discharge-summary.txt"))
            let reference = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("reference.json"))) as? [String: Any]
            let digest = AttachmentDigest(bytes: Data(SHA256.hash(data: uploaded)))!.description
            #expect(reference?["digest"] as? String == digest)
            #expect(reference?["size"] as? Int == uploaded.count && reference?["mediaType"] as? String == "text/plain")
            #expect(runs[2].object["digest"] as? String == digest, "curl's upload, answered as sharectl's: \(runs[2].stdout)")
            #expect((runs[4].object["recipients"] as? [String])?.contains("northshire-csc") == true, "\(runs[4].stdout)")
            #expect(runs[5].stdout.contains(digest), "the envelope received lists the attachment: \(runs[5].stdout)")
            for name in ["received-summary.txt", "received-with-curl.txt"] {
                #expect(try Data(contentsOf: folder.appendingPathComponent(name)) == uploaded, "\(name)")
            }
        }
    }
}
