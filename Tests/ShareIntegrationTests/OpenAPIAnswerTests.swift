import Foundation
import ShareClient
import ShareHTTP
import ShareTesting
import Testing

/// The answers that carry data, which schemathesis never sees (it cannot sign a message, so it
/// reaches no delivery, status or audit entry), checked against the OpenAPI document by
/// Python's jsonschema: a partnership at work, read by the agencies that sent, received and audit.
@Suite("OpenAPI contract: answers with data")
struct OpenAPIAnswerTests {
    @Test("each answer of a partnership at work matches the document's schema for its operation and status")
    func answersMatch() async throws {
        try await withBroker { broker in
            var answers = RecordedAnswers(folder: broker.folder)
            let hospital = try broker.client(as: "northshire-hospitals")
            let csc = try broker.client(as: "northshire-csc")
            let auditor = try broker.client(as: "northshire-audit")
            let signer = try broker.signer(for: "northshire-hospitals")
            let first = try signer.sign(envelope: EnvelopeBuilder().data)
            let second = try signer.sign(envelope: EnvelopeBuilder().data)

            let published = try await broker.postJWS(first, as: "northshire-hospitals")
            try answers.add(published, "POST", "/v1/messages", expecting: 201)
            try answers.add(try await broker.postJWS(first, as: "northshire-hospitals"), "POST", "/v1/messages", expecting: 201)
            let batch = Data(#"{"messages": ["\#(second)", "not.a.jws"]}"#.utf8)
            try answers.add(try await hospital.send("POST", "/v1/messages/batch", body: batch, contentType: "application/json"),
                            "POST", "/v1/messages/batch", expecting: 200)

            let inbox = try await csc.send("GET", "/v1/inbox?limit=10")
            try answers.add(inbox, "GET", "/v1/inbox", expecting: 200)
            let deliveries = try JSONDecoder().decode(InboxAnswer.self, from: inbox.body).deliveries
            try #require(deliveries.count == 2, "both messages reach children's social care")
            try answers.add(try await firstStreamedDelivery(broker, as: "northshire-csc"), component: "Delivery")
            let message = try #require(published.json?["id"] as? String)
            try answers.add(try await csc.send("GET", "/v1/messages/\(message)"), "GET", "/v1/messages/{id}", expecting: 200)
            try answers.add(try await hospital.send("GET", "/v1/messages/\(message)/status"), "GET", "/v1/messages/{id}/status", expecting: 200)
            try answers.add(try await csc.send("POST", "/v1/deliveries/\(deliveries[0].id.uuidString.lowercased())/ack"),
                            "POST", "/v1/deliveries/{id}/ack", expecting: 200)
            let ids = Data(#"{"ids": ["\#(deliveries[1].id.uuidString.lowercased())", "\#(UUID().uuidString.lowercased())"]}"#.utf8)
            try answers.add(try await csc.send("POST", "/v1/deliveries/ack", body: ids, contentType: "application/json"),
                            "POST", "/v1/deliveries/ack", expecting: 200)
            try answers.add(try await hospital.send("GET", "/v1/messages/\(message)/status"), "GET", "/v1/messages/{id}/status", expecting: 200)

            let mash = try broker.client(as: "northshire-mash")
            let subscription = Data(#"{"types": ["unborn-baby-referral/1"], "areas": ["E99999999"], "filters": [{"pointer": "/disclosure/purpose", "values": ["safeguarding-referral"]}]}"#.utf8)
            try answers.add(try await mash.send("POST", "/v1/subscriptions", body: subscription, contentType: "application/json"),
                            "POST", "/v1/subscriptions", expecting: 201)
            try answers.add(try await mash.send("GET", "/v1/subscriptions"), "GET", "/v1/subscriptions", expecting: 200)
            let bySubscription = EnvelopeBuilder()
            #expect(try await broker.publishRaw(bySubscription, as: "northshire-hospitals").json?["recipients"] as? [String]
                    == ["northshire-csc", "northshire-mash"], "its routed entry and the report name the hub's subscription")
            try answers.add(try await csc.send("PUT", "/v1/webhook", body: Data(#"{"url": "https://csc.example/sharebroker"}"#.utf8),
                                               contentType: "application/json"), "PUT", "/v1/webhook", expecting: 200)
            try answers.add(try await csc.send("GET", "/v1/webhook"), "GET", "/v1/webhook", expecting: 200)
            for path in ["/v1/directory", "/v1/directory/jwks", "/v1/schemas"] {
                try answers.add(try await csc.send("GET", path), "GET", path, expecting: 200)
            }
            try answers.add(try await csc.send("GET", "/v1/schemas/envelope"), "GET", "/v1/schemas/{name}", expecting: 200)
            try answers.add(try await csc.send("GET", "/v1/schemas/unborn-baby-referral/1"), "GET", "/v1/schemas/{name}/{version}", expecting: 200)
            try answers.add(try await csc.send("GET", "/v1/calendar/deadline?area=E99999999&rule=working-days:5&from=2026-12-07T10:00:00Z"),
                            "GET", "/v1/calendar/deadline", expecting: 200)
            try answers.add(try await csc.send("GET", "/health"), "GET", "/health", expecting: 200)

            let head = try await auditor.send("GET", "/v1/audit/tree-head")
            try answers.add(head, "GET", "/v1/audit/tree-head", expecting: 200)
            let size = try #require((head.json?["treeHead"] as? [String: Any])?["treeSize"] as? Int)
            for (path, template) in [
                ("/v1/audit/tree-heads", "/v1/audit/tree-heads"),
                ("/v1/audit/proof/inclusion?index=1&treeSize=\(size)", "/v1/audit/proof/inclusion"),
                ("/v1/audit/proof/consistency?from=2&to=\(size)", "/v1/audit/proof/consistency"),
                ("/v1/audit/entries?messageId=\(message)", "/v1/audit/entries"),
                ("/v1/audit/entries?messageId=\(bySubscription.id)", "/v1/audit/entries"),
                ("/v1/audit/entries?kind=audit-queried", "/v1/audit/entries"),
                ("/v1/audit/subjects/report?nhsNumber=9990001235", "/v1/audit/subjects/report"),
                ("/v1/audit/subjects/report?nhsNumber=9990001235&format=html", "/v1/audit/subjects/report"),
            ] {
                try answers.add(try await auditor.send("GET", path), "GET", template, expecting: 200)
            }
            try answers.add(try await csc.send("GET", "/v1/audit/entries"), "GET", "/v1/audit/entries", expecting: 403)
            try answers.add(try await csc.send("GET", "/v1/messages/\(UUID().uuidString.lowercased())"), "GET", "/v1/messages/{id}", expecting: 404)
            try await answers.check()
        }
    }

    @Test("the answers about an SD-JWT message (each recipient's copy, the routed entries, the report, a refusal) match the document")
    func selectiveDisclosureAnswersMatch() async throws {
        try await withBroker { broker in
            var answers = RecordedAnswers(folder: broker.folder)
            let envelope = try SelectiveDisclosureTests.notification(broker)
            let sdjwt = try broker.signer(for: "northshire-police").sign(envelope: envelope, disclosable: SelectiveDisclosureTests.disclosable)
            let published = try await broker.postJWS(sdjwt, as: "northshire-police", contentType: "application/sd-jwt")
            try answers.add(published, "POST", "/v1/messages", expecting: 201)
            let message = try #require(published.json?["id"] as? String)
            let school = try broker.client(as: "oakfield-primary")
            try answers.add(try await school.send("GET", "/v1/inbox"), "GET", "/v1/inbox", expecting: 200)
            try answers.add(try await school.send("GET", "/v1/messages/\(message)"), "GET", "/v1/messages/{id}", expecting: 200)
            let auditor = try broker.client(as: "northshire-audit")
            try answers.add(try await auditor.send("GET", "/v1/audit/entries?messageId=\(message)"), "GET", "/v1/audit/entries", expecting: 200)
            try answers.add(try await auditor.send("GET", "/v1/audit/subjects/report?system=northshire-csc&value=CSC-000457"),
                            "GET", "/v1/audit/subjects/report", expecting: 200)
            let outside = try broker.signer(for: "northshire-police").sign(envelope: try SelectiveDisclosureTests.notification(broker),
                                                                            disclosable: ["/subject/name"])
            try answers.add(try await broker.postJWS(outside, as: "northshire-police", contentType: "application/sd-jwt"),
                            "POST", "/v1/messages", expecting: 422)
            try await answers.check()
        }
    }
}

/// The JSON of the first delivery `agency`'s stream sends, as curl receives it.
private func firstStreamedDelivery(_ broker: TestBroker, as agency: String) async throws -> Data {
    let curl = try ChildProcess("curl", [
        "-sN", "--cacert", broker.pkiFile("ca.crt"), "--cert", broker.pkiFile("\(agency).crt"),
        "--key", broker.pkiFile("\(agency).key"), "\(broker.baseURL.absoluteString)/v1/stream",
    ], standardOutput: .capture)
    defer { curl.stopFromTest() }
    let output = try #require(curl.standardOutput)
    func event() -> Substring? {
        output.text.split(separator: "\n").first { $0.hasPrefix("data: ") && output.text.contains("\($0)\n") }
    }
    try #require(try await eventually(within: 30) { event() != nil }, "no delivery on the stream: \(output.text)")
    return Data(try #require(event()).dropFirst("data: ".count).utf8)
}

/// Answers written to files with the operation they answer, checked together by
/// `Tests/interop/check_answers.py`.
struct RecordedAnswers {
    let folder: URL
    private var cases: [[String: Any]] = []

    init(folder: URL) {
        self.folder = folder
    }

    mutating func add(_ answer: ShareClient.RawResponse, _ method: String, _ path: String, expecting status: Int) throws {
        #expect(answer.status == status, "\(method) \(path): \(String(decoding: answer.body, as: UTF8.self))")
        let file = folder.appendingPathComponent("answer-\(cases.count)")
        try answer.body.write(to: file)
        let mediaType = (answer.header("Content-Type") ?? "").split(separator: ";").first.map(String.init) ?? ""
        cases.append(["method": method, "path": path, "status": answer.status, "contentType": mediaType, "body": file.path])
    }

    /// Something the document describes in words as `component`, such as a stream's event.
    mutating func add(_ body: Data, component: String) throws {
        let file = folder.appendingPathComponent("answer-\(cases.count)")
        try body.write(to: file)
        cases.append(["component": component, "body": file.path])
    }

    func check() async throws {
        let list = folder.appendingPathComponent("answers.json")
        try JSONSerialization.data(withJSONObject: cases).write(to: list)
        let result = try await Subprocess.run("python3", [
            RepositoryPaths.root.appendingPathComponent("Tests/interop/check_answers.py").path,
            RepositoryPaths.schemas.appendingPathComponent(APIDocument.fileName).path, list.path,
        ])
        #expect(result.status == 0, "answers that do not match the OpenAPI document:\n\(result.text)\(result.stderr)")
    }
}
