import Foundation
import ShareClient
import ShareServer
import ShareTesting
import Testing

/// The workspace in headless Chromium with the auditor's certificate from the demo's PKCS#12
/// file (Tests/interop/workspace_browser.py): every entry verifies in the browser, an entry
/// changed in the store shows failed on the next visit, a kept tree head the log does not extend
/// fails the consistency check, the console stays clean, axe-core 4.9 finds no WCAG 2.2 A or AA
/// violation, nothing scrolls sideways at 320 px, and the keyboard alone reaches everything in
/// order, with a focus indicator, and finds a child and opens a message. Screenshots, a printed
/// PDF and the keyboard walk are left in `.build/artefacts/workspace-browser/`.
@Suite("Auditor's workspace in Chromium")
struct AuditorWorkspaceBrowserTests {
    static let script = Paths.repository.appendingPathComponent("Tests/interop/workspace_browser.py").path
    static let artefacts = Paths.repository.appendingPathComponent(".build/artefacts/workspace-browser")

    @Test("each entry verifies in the browser, one changed in the store shows failed, and every page passes axe-core and works by keyboard")
    func verifiesAndDetectsTampering() async throws {
        try await withBroker { broker in
            let shared = try await AuditorWorkspaceTests.shareAndRefuse(on: broker)
            let bundle = try #require(AuditorBrowserBundle.ensure(pki: broker.folder.appendingPathComponent("pki")),
                                      "openssl makes the auditor's PKCS#12 file")
            try? FileManager.default.removeItem(at: Self.artefacts)
            let common = [broker.baseURL.absoluteString, bundle.path, AuditorBrowserBundle.password, broker.pkiFile("ca.crt"),
                          Self.artefacts.path]
            let subject = "/workspace/subject?nhsNumber=9990001006"
            let pages = [subject, "/workspace/messages/\(shared.id)", "/workspace", "/workspace/activity", "/workspace/log"]
            let checked = try await Subprocess.run("python3", [Self.script, "check"] + common + pages)
            #expect(checked.status == 0, "\(checked.text) \(checked.stderr)")
            #expect(checked.text.contains("Verified in this browser: 5 of 5 entries proved in the signed tree head"),
                    "published, routed, delivered, acknowledged, and the refused attempt")
            #expect(checked.text.contains("\"axeCore\": \"4.9.1\""), "the axe-core with WCAG 2.2's rules checked the pages")
            let keyboard = try await Subprocess.run("python3", [Self.script, "keyboard"] + common + ["9990001006"] + pages)
            #expect(keyboard.status == 0, "\(keyboard.text) \(keyboard.stderr)")
            #expect(keyboard.text.contains("\"opened\": \"workspace/messages/\(shared.id)\""),
                    "Tab and Enter alone find the child and open the message shared about it")

            let entries = try await broker.auditGet("/v1/audit/entries?messageId=\(shared.id)") as AuditEntries
            let routed = try #require(entries.entries.first { $0.event.kind == "routed" })
            let tampered = try await sqlite3(broker.folder.appendingPathComponent("broker.sqlite").path,
                "DROP TRIGGER IF EXISTS events_no_update; UPDATE events SET entry = CAST(replace(CAST(entry AS TEXT), "
                    + "'northshire-csc', 'northshire-mash') AS BLOB) WHERE idx = \(routed.index);")
            #expect(tampered.status == 0, "\(tampered.stderr)")
            let second = try await Subprocess.run("python3", [Self.script, "tampered"] + common + [subject, String(routed.index)])
            #expect(second.status == 0, "\(second.text) \(second.stderr)")
            #expect(second.text.contains("Consistent with the tree head this browser verified before"),
                    "the second visit checks a consistency proof from the first")
            let forged = try await Subprocess.run("python3", [Self.script, "forged"] + common + ["/workspace/log"])
            #expect(forged.status == 0, "\(forged.text) \(forged.stderr)")
            #expect(forged.text.contains("FAILED: the log is not an extension of the tree head this browser verified before"),
                    "a kept tree head the log does not extend fails the consistency proof")
        }
    }
}
