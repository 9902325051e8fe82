import Crypto
import Foundation
import ShareClient
import ShareModel
import ShareTesting
import ShareVault
import Testing

/// Documents a message references by digest: uploaded by the sender first, downloaded by the
/// message's recipients over the same mutual TLS, checked against the digest the signed message carries.
@Suite("Attachments")
struct AttachmentTests {
    /// A file of `size` random bytes in the broker's folder, each 256 KiB chunk of it beginning
    /// with `chunkStart` if given; its reference as `application/pdf`.
    static func document(_ broker: TestBroker, size: Int, name: String = "summary.pdf",
                         chunkStart: UInt8? = nil) throws -> (file: URL, reference: AttachmentAnswer) {
        var bytes = Data(count: size)
        bytes.withUnsafeMutableBytes { buffer in
            for index in buffer.indices { buffer[index] = UInt8.random(in: 0...255) }
        }
        if let chunkStart {
            for start in stride(from: 0, to: size, by: 262_144) { bytes[start] = chunkStart }
        }
        let file = broker.folder.appendingPathComponent(name)
        try bytes.write(to: file)
        let digest = AttachmentDigest(bytes: Data(SHA256.hash(data: bytes)))!
        return (file, AttachmentAnswer(digest: digest.description, mediaType: "application/pdf", size: size))
    }

    static func sha256(_ file: URL) throws -> String {
        AttachmentDigest(bytes: Data(SHA256.hash(data: try Data(contentsOf: file))))!.description
    }

    /// An envelope from the hospitals to children's social care referencing `references`.
    static func envelope(_ references: [AttachmentAnswer], title: String? = "Discharge summary") -> EnvelopeBuilder {
        EnvelopeBuilder().with("attachments", references.map { reference -> [String: Any] in
            var item: [String: Any] = ["digest": reference.digest, "mediaType": reference.mediaType, "size": reference.size]
            if let title { item["title"] = title }
            return item
        })
    }

    /// Uploads a document as the hospitals, publishes a referral referencing it, and hands the
    /// delivery to children's social care; returns the document, the message id and the delivery's JWS.
    static func shared(_ broker: TestBroker, size: Int = 600_000, chunkStart: UInt8? = nil) async throws
        -> (file: URL, reference: AttachmentAnswer, id: UUID, jws: String, delivery: UUID) {
        let (file, reference) = try document(broker, size: size, chunkStart: chunkStart)
        let hospitals = try broker.client(as: "northshire-hospitals")
        #expect(try await hospitals.uploadAttachment(file: file, mediaType: "application/pdf") == reference)
        let answer = try await hospitals.publish(jws: try broker.jws(envelope([reference])))
        let delivery = try #require(try await broker.client(as: "northshire-csc").inbox().first)
        return (file, reference, answer.id, delivery.jws, delivery.id)
    }

    @Test("the sender uploads a document, publishes a message referencing it, and the recipient downloads it, with its client and with curl, and its digest matches the signed message's; the log records who read it, never its content")
    func uploadPublishDownload() async throws {
        try await withBroker { broker in
            let (file, reference) = try Self.document(broker, size: 600_000)
            let hospitals = try broker.client(as: "northshire-hospitals")
            let first = try await hospitals.send("PUT", "/v1/attachments/\(reference.digest)", body: try Data(contentsOf: file),
                                                 contentType: "application/pdf")
            #expect(first.status == 201)
            #expect(try await hospitals.uploadAttachment(file: file, mediaType: "application/pdf") == reference, "again: 200, the same")
            let message = Self.envelope([reference])
            let id = try #require(UUID(uuidString: message.id))
            _ = try await hospitals.publish(jws: try broker.jws(message))

            let csc = try broker.client(as: "northshire-csc")
            let path = "/v1/messages/\(message.id)/attachments/\(reference.digest)"
            #expect(try await csc.send("GET", path).status == 404, "not before the message is delivered")
            let delivery = try #require(try await csc.inbox().first)
            let carried = try ShareClient.attachments(inJWS: delivery.jws)
            #expect(carried == [AttachmentAnswer(digest: reference.digest, mediaType: "application/pdf", size: 600_000, title: "Discharge summary")])
            let downloaded = broker.folder.appendingPathComponent("downloaded.pdf")
            try await csc.downloadAttachment(carried[0].digest, message: id, to: downloaded)
            #expect(try Data(contentsOf: downloaded) == (try Data(contentsOf: file)))

            let curled = broker.folder.appendingPathComponent("curled.pdf")
            let curl = try await broker.curl(path, as: "northshire-csc", ["-o", curled.path, "-D", "-"])
            #expect(curl.status == 200)
            #expect(try Self.sha256(curled) == reference.digest)
            let digestBase64 = Data(SHA256.hash(data: try Data(contentsOf: file))).base64EncodedString()
            #expect(curl.body.lowercased().contains("repr-digest: sha-256=:\(digestBase64.lowercased()):"))
            #expect(curl.body.lowercased().contains("content-type: application/pdf"))

            let retrieved: AuditEntries = try await broker.auditGet("/v1/audit/entries?kind=attachment-retrieved")
            #expect(retrieved.entries.map(\.event.agency) == ["northshire-csc", "northshire-csc"])
            #expect(retrieved.entries.allSatisfy { $0.event.messageID == message.id })
            let uploaded: AuditEntries = try await broker.auditGet("/v1/audit/entries?kind=attachment-uploaded")
            #expect(uploaded.entries.map(\.event.agency) == ["northshire-hospitals"], "once: the second upload changed nothing")
            #expect(!PayloadsAtRestTests.storeBytes(broker).contains(try Data(contentsOf: file).prefix(64)),
                    "the store holds the document sealed")
        }
    }

    @Test("an agency the message was not delivered to gets 404 for its attachment, as for one that does not exist; the sender may download its own")
    func onlyParties() async throws {
        try await withBroker { broker in
            let shared = try await Self.shared(broker)
            let path = "/v1/messages/\(shared.id)/attachments/\(shared.reference.digest)"
            let police = try await broker.client(as: "northshire-police").send("GET", path)
            #expect(police.status == 404 && police.problem?.code == "not-found")
            let unknown = try await broker.client(as: "northshire-csc").send("GET", "/v1/messages/\(shared.id)/attachments/sha-256:\(String(repeating: "0", count: 64))")
            #expect(unknown.status == 404)
            #expect(police.problem?.detail.contains(shared.reference.digest) == true && unknown.problem?.title == police.problem?.title)
            let own = broker.folder.appendingPathComponent("own.pdf")
            try await broker.client(as: "northshire-hospitals").downloadAttachment(shared.reference.digest, message: shared.id, to: own)
            #expect(try Self.sha256(own) == shared.reference.digest)
        }
    }

    @Test("an upload whose content has another digest, that is over the limit, or of a media type not accepted is refused, and nothing is kept")
    func refusedUploads() async throws {
        try await withBroker(configure: { $0["attachments"] = ["maxBytes": 300_000] }) { broker in
            let hospitals = try broker.client(as: "northshire-hospitals")
            let (file, reference) = try Self.document(broker, size: 200_000)
            let (_, other) = try Self.document(broker, size: 10, name: "other.pdf")
            let mismatch = try await hospitals.send("PUT", "/v1/attachments/\(other.digest)", body: try Data(contentsOf: file),
                                                    contentType: "application/pdf")
            #expect(mismatch.status == 422 && mismatch.problem?.code == "attachment-digest-mismatch")
            #expect(mismatch.problem?.detail.contains(reference.digest) == true, "it names the digest the content has")

            let (large, tooLarge) = try Self.document(broker, size: 400_000, name: "large.pdf")
            let announced = try await hospitals.send("PUT", "/v1/attachments/\(tooLarge.digest)", body: try Data(contentsOf: large),
                                                     contentType: "application/pdf")
            #expect(announced.status == 413 && announced.problem?.detail.contains("300000") == true)
            let chunked = try await broker.curl("/v1/attachments/\(tooLarge.digest)", as: "northshire-hospitals", [
                "-X", "PUT", "-H", "Content-Type: application/pdf", "-H", "Transfer-Encoding: chunked", "--data-binary", "@\(large.path)",
            ])
            #expect(chunked.status == 413, "refused once the body passes the limit, without a length announced")

            let html = try await hospitals.send("PUT", "/v1/attachments/\(reference.digest)", body: try Data(contentsOf: file),
                                                contentType: "text/html")
            #expect(html.status == 415 && html.problem?.detail.contains("application/pdf") == true)
            let malformed = try await hospitals.send("PUT", "/v1/attachments/sha256:abc", body: Data("x".utf8), contentType: "application/pdf")
            #expect(malformed.status == 400)

            let stored = try await sqlite3(broker.folder.appendingPathComponent("broker.sqlite").path,
                                           "SELECT count(*) FROM attachment_chunks; SELECT count(*) FROM attachments;")
            #expect(stored.text.split(separator: "\n") == ["0", "0"], "no chunk of any refused upload is kept")
            let publish = try await broker.publishRaw(Self.envelope([reference]), as: "northshire-hospitals")
            #expect(publish.problem?.errors?.map(\.pointer) == ["/attachments/0/digest"])
        }
    }

    @Test("a message naming a document its sender has not uploaded, or with another size or media type, is refused 422 with the pointer, alone and in a batch")
    func publishChecksUploads() async throws {
        try await withBroker { broker in
            let (cscFile, cscOwn) = try Self.document(broker, size: 1000, name: "csc.pdf")
            _ = try await broker.client(as: "northshire-csc").uploadAttachment(file: cscFile, mediaType: "application/pdf")
            let (file, reference) = try Self.document(broker, size: 1000)
            _ = try await broker.client(as: "northshire-hospitals").uploadAttachment(file: file, mediaType: "application/pdf")

            let notTheirs = try await broker.publishRaw(Self.envelope([reference, cscOwn]), as: "northshire-hospitals")
            #expect(notTheirs.status == 422 && notTheirs.problem?.code == "invalid-envelope")
            #expect(notTheirs.problem?.errors?.map(\.pointer) == ["/attachments/1/digest"], "another agency's upload is not the sender's")
            let wrong = AttachmentAnswer(digest: reference.digest, mediaType: "text/plain", size: 999)
            let mismatched = try await broker.publishRaw(Self.envelope([wrong]), as: "northshire-hospitals")
            #expect(mismatched.problem?.errors?.map(\.pointer) == ["/attachments/0/size", "/attachments/0/mediaType"])

            let batch = try await broker.client(as: "northshire-hospitals").publish(batch: [
                try broker.jws(Self.envelope([reference])), try broker.jws(Self.envelope([cscOwn])),
            ])
            #expect(batch.results.map(\.status) == [201, 422])
            #expect(batch.results[1].problem?.errors?.map(\.pointer) == ["/attachments/0/digest"])
        }
    }

    /// Replaces the stored bytes of chunk `index` of `reference`, from byte `keeping` on, with random ones.
    static func tamper(_ broker: TestBroker, _ reference: AttachmentAnswer, chunk index: Int, keeping: Int) async throws {
        let hex = reference.digest.dropFirst("sha-256:".count).uppercased()
        let result = try await sqlite3(broker.folder.appendingPathComponent("broker.sqlite").path, """
            UPDATE attachment_chunks SET bytes = CAST(substr(bytes, 1, \(keeping)) || randomblob(length(bytes) - \(keeping)) AS BLOB)
            WHERE idx = \(index) AND upload = (SELECT upload FROM attachments WHERE hex(digest) = '\(hex)')
            """)
        try #require(result.status == 0, "\(result.stderr)")
    }

    @Test("a sealed chunk changed in the store is never served as the document: at the start the download is a 500 problem, part-way the connection ends before the body does, and the client keeps nothing")
    func tamperedSealed() async throws {
        try await withBroker { broker in
            let csc = try broker.client(as: "northshire-csc")
            let target = broker.folder.appendingPathComponent("received.pdf")
            let atStart = try await Self.shared(broker)
            try await Self.tamper(broker, atStart.reference, chunk: 0, keeping: 200)
            let refused = try await csc.send("GET", "/v1/messages/\(atStart.id)/attachments/\(atStart.reference.digest)")
            #expect(refused.status == 500 && refused.problem?.code == "internal-error")
            let failure = await #expect(throws: ShareClientError.self) {
                try await csc.downloadAttachment(atStart.reference.digest, message: atStart.id, to: target)
            }
            #expect(failure?.status == 500)

            let partWay = try await Self.shared(broker)
            try await Self.tamper(broker, partWay.reference, chunk: 1, keeping: 200)
            let cut = await #expect(throws: ShareClientError.self) {
                try await csc.downloadAttachment(partWay.reference.digest, message: partWay.id, to: target)
            }
            #expect(cut?.reason.contains("ended before it was complete") == true, "\(String(describing: cut))")
            #expect(!FileManager.default.fileExists(atPath: target.path))
            let curl = try await broker.curl("/v1/messages/\(partWay.id)/attachments/\(partWay.reference.digest)", as: "northshire-csc",
                                             ["-o", target.path, "--http1.1"])
            #expect(curl.status == 200 && (try? Self.sha256(target)) != partWay.reference.digest)
            #expect(broker.logs.errorLines.contains { $0.contains("An attachment could not be served whole") && $0.contains(partWay.reference.digest) })
        }
    }

    @Test("bytes changed in a store kept without payload keys are served by the broker, which cannot tell, and refused by the client's check of the digest the signed message carries")
    func tamperedInClear() async throws {
        try await withBroker(configure: { $0["payloadKeys"] = nil }) { broker in
            let shared = try await Self.shared(broker)
            try await Self.tamper(broker, shared.reference, chunk: 1, keeping: 0)
            let target = broker.folder.appendingPathComponent("received.pdf")
            let digest = try #require(try ShareClient.attachments(inJWS: shared.jws).first?.digest)
            let failure = await #expect(throws: ShareClientError.self) {
                try await broker.client(as: "northshire-csc").downloadAttachment(digest, message: shared.id, to: target)
            }
            #expect(failure?.reason.contains("not the \(shared.reference.digest) the signed message carries") == true, "\(String(describing: failure))")
            #expect(!FileManager.default.fileExists(atPath: target.path), "nothing is kept")
            let curl = try await broker.curl("/v1/messages/\(shared.id)/attachments/\(digest)", as: "northshire-csc", ["-o", target.path])
            #expect(curl.status == 200)
            #expect(try Self.sha256(target) != digest, "with curl, the check is the reader's: sha256sum shows the difference")
        }
    }

    @Test("a document uploaded to one node of a cluster is downloaded from the other, and a recipient there gets it whole")
    func acrossNodes() async throws {
        let cluster = try await TestCluster.start(nodes: 2)
        do {
            let (a, b) = (cluster.nodes[0], cluster.nodes[1])
            let (file, reference) = try Self.document(a, size: 700_000)
            _ = try await a.client(as: "northshire-hospitals").uploadAttachment(file: file, mediaType: "application/pdf")
            let answer = try await a.client(as: "northshire-hospitals").publish(jws: try a.jws(Self.envelope([reference])))
            let csc = try b.client(as: "northshire-csc")
            let delivery = try #require(try await csc.inbox().first)
            let target = b.folder.appendingPathComponent("from-b.pdf")
            try await csc.downloadAttachment(try #require(try ShareClient.attachments(inJWS: delivery.jws).first).digest,
                                             message: answer.id, to: target)
            #expect(try Data(contentsOf: target) == (try Data(contentsOf: file)))
        } catch {
            try? await cluster.stop()
            throw error
        }
        try await cluster.stop()
    }

    @Test("a document is destroyed with the last message holding it when its retention ends (not while a legal hold keeps the message), and an upload no message references is removed after /attachments/unreferencedDays")
    func retainedAsTheMessage() async throws {
        let clock = TestClock()
        let broker = try TestBroker(clock: clock)
        try RetentionTests.retainReferrals(in: broker)
        try broker.editConfiguration { $0["attachments"] = ["unreferencedDays": 3] }
        try await broker.start()
        do {
            let shared = try await Self.shared(broker)
            let (stray, _) = try Self.document(broker, size: 1000, name: "stray.pdf")
            _ = try await broker.client(as: "northshire-hospitals").uploadAttachment(file: stray, mediaType: "application/pdf")
            let csc = try broker.client(as: "northshire-csc")
            _ = try await csc.acknowledge(delivery: shared.delivery)
            let path = "/v1/messages/\(shared.id)/attachments/\(shared.reference.digest)"
            let counts = "SELECT count(*) FROM attachments; SELECT count(DISTINCT upload) FROM attachment_chunks;"
            let database = broker.folder.appendingPathComponent("broker.sqlite").path

            clock.advance(by: 4 * RetentionTests.day)
            try await broker.afterTimerRound()
            #expect(try await sqlite3(database, counts).text.split(separator: "\n") == ["1", "1"],
                    "the upload no message references is gone; the referenced one stays")
            #expect(try await csc.send("GET", path).status == 200)

            let auditor = try broker.client(as: "northshire-audit")
            #expect(try await auditor.send("POST", "/v1/audit/legal-holds?nhsNumber=9990001235").status == 201)
            clock.advance(by: 7 * RetentionTests.day)
            try await broker.afterTimerRound()
            #expect(try await csc.send("GET", path).status == 200, "a legal hold on the subject keeps the message, and so its document")
            #expect(try await auditor.send("DELETE", "/v1/audit/legal-holds?nhsNumber=9990001235").status == 200)
            try await broker.afterTimerRound()
            #expect(try await csc.send("GET", path).status == 404, "destroyed with the message's content")
            #expect(try await sqlite3(database, counts).text.split(separator: "\n") == ["0", "0"])
        } catch {
            try? await broker.stopAndRemove()
            throw error
        }
        try await broker.stopAndRemove()
    }

    @Test("a document sealed under the old payload key is served after a rotation, sharebroker rewrap moves its chunks to the new key, and it is served whole once the old key is gone")
    func rotation() async throws {
        try await withBroker { broker in
            let shared = try await Self.shared(broker)
            let newKey = try await PayloadsAtRestTests.rotateToSecondKey(broker)
            let target = broker.folder.appendingPathComponent("received.pdf")
            let csc = try broker.client(as: "northshire-csc")
            try await csc.downloadAttachment(shared.reference.digest, message: shared.id, to: target)

            let rewrap = try await Subprocess.run(
                try #require(Subprocess.productPath("sharebroker")), ["rewrap", "--config", broker.configurationFile.path, "--batch", "2"])
            #expect(rewrap.status == 0, "\(rewrap.stderr)")
            let current = try FileKeyEncryptionKey(file: newKey.path).id
            #expect(rewrap.text.contains("2 document chunks read: 2 re-wrapped, 0 under \(current) already"), "\(rewrap.text)")
            #expect(rewrap.text.contains("3 document chunks read: 3 re-wrapped"), "600 000 bytes are 3 chunks")
            #expect(rewrap.text.contains("and every document chunk (3 re-wrapped)"))

            try await broker.stop()
            try broker.editConfiguration { document in document["payloadKeys"] = ["current": "pki/broker-payload-2.key"] }
            try await broker.start()
            try FileManager.default.removeItem(at: target)
            try await broker.client(as: "northshire-csc").downloadAttachment(shared.reference.digest, message: shared.id, to: target)
            #expect(try Data(contentsOf: target) == (try Data(contentsOf: shared.file)))
        }
    }

    @Test("a document uploaded before payload keys were configured is served in clear, then sealed by sharebroker rewrap, even when its chunks begin with the byte a sealed chunk begins with")
    func uploadedInClear() async throws {
        try await withBroker(configure: { $0["payloadKeys"] = nil }) { broker in
            let shared = try await Self.shared(broker, chunkStart: 1)
            try await broker.stop()
            try broker.editConfiguration { $0["payloadKeys"] = ["current": "pki/broker-payload-1.key"] }
            try await broker.start()
            let target = broker.folder.appendingPathComponent("received.pdf")
            try await broker.client(as: "northshire-csc").downloadAttachment(shared.reference.digest, message: shared.id, to: target)

            let rewrap = try await Subprocess.run(
                try #require(Subprocess.productPath("sharebroker")), ["rewrap", "--config", broker.configurationFile.path])
            #expect(rewrap.status == 0, "\(rewrap.stderr)")
            #expect(rewrap.text.contains("and every document chunk (3 re-wrapped)"), "\(rewrap.text)")
            let inClear = try await sqlite3(broker.folder.appendingPathComponent("broker.sqlite").path,
                                            "SELECT count(*) FROM attachment_chunks WHERE sealed = 0")
            #expect(inClear.text.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "every chunk is sealed now")
            try FileManager.default.removeItem(at: target)
            try await broker.client(as: "northshire-csc").downloadAttachment(shared.reference.digest, message: shared.id, to: target)
            #expect(try Data(contentsOf: target) == (try Data(contentsOf: shared.file)))
        }
    }
}
