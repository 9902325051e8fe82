import Foundation
import ShareServer
import ShareTesting
import Testing

/// `sharectl --as AGENCY` with the folder `sharebroker demo` makes: its port, its agencies, its certificates.
@Suite("The demo folder: sharectl --as, the port, the certificates")
struct DemoFolderTests {
    /// A demo folder made for `port`, in a temporary folder of its own; `body` gets its path.
    func withDemoFolder(port: Int, _ body: (URL) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try DemoPartnership.prepare(dataDirectory: folder, port: port, schemas: RepositoryPaths.schemas)
        try await body(folder)
    }

    func sharectl(_ arguments: [String], environment: [String: String]? = nil) async throws -> Subprocess.Result {
        let sharectl = try #require(Subprocess.productPath("sharectl"), "build the sharectl product first")
        return try await Subprocess.run(sharectl, arguments, environment: environment)
    }

    @Test("sharebroker demo on another port than its folder was made for: sharectl --as reaches it there")
    func sharectlFollowsTheDemoPort() async throws {
        // Made for port 1, where nothing listens; the demo then runs on a free port.
        try await withDemoFolder(port: 1) { folder in
            let demo = try await DemoProcess.start(DemoProcess.arguments(dataDirectory: folder))
            defer { demo.process.stopFromTest() }
            let directory = try await sharectl(["directory", "--as", "northshire-csc", "--demo-dir", folder.path])
            #expect(directory.status == 0, "\(directory.stderr)")
            #expect(directory.text.contains("northshire-hospitals"))
            #expect(try await demo.stop())
        }
    }

    @Test("sharebroker demo writes the auditor's PKCS#12 file for a browser, and its banner names it, its password and the workspace")
    func auditorCertificateForTheBrowser() async throws {
        try await withDemoFolder(port: 1) { folder in
            let demo = try await DemoProcess.start(DemoProcess.arguments(dataDirectory: folder))
            defer { demo.process.stopFromTest() }
            let file = folder.appendingPathComponent("pki/northshire-audit.p12").path
            #expect(demo.banner.text.contains("https://127.0.0.1:\(demo.port)/workspace"))
            #expect(demo.banner.text.contains("import \(file) into the browser's certificates (development password: northshire-dev)"))
            let opened = try await Subprocess.run("openssl", ["pkcs12", "-in", file, "-passin", "pass:northshire-dev", "-nodes"])
            #expect(opened.status == 0, "\(opened.stderr)")
            #expect(opened.text.contains("subject=O = Northshire Safeguarding Partnership (DEVELOPMENT ONLY), CN = northshire-audit"))
            #expect(opened.text.contains("-----BEGIN PRIVATE KEY-----"), "with its key")
            #expect(try await demo.stop())
        }
    }

    @Test("sharectl --as with an agency the demo folder lacks exits 64 and names the agencies it has")
    func misspeltAgencyIsAUsageError() async throws {
        try await withDemoFolder(port: 1) { folder in
            let envelope = folder.appendingPathComponent("examples/unborn-baby-referral.json").path
            let misspelt = ["--as", "northshire-cs", "--demo-dir", folder.path]
            let runs = [
                try await sharectl(["sign", envelope] + misspelt),
                try await sharectl(["publish", envelope] + misspelt),
                try await sharectl(["inbox"] + misspelt),
                try await sharectl(["inbox"], environment: ["SHARECTL_AS": "northshire-cs", "SHARECTL_DEMO_DIR": folder.path]),
            ]
            for result in runs {
                #expect(result.status == 64, "\(result.stderr)")
                #expect(result.stderr.contains("no agency 'northshire-cs'"), "\(result.stderr)")
                for member in DemoPartnership.members {
                    #expect(result.stderr.contains(member.id), "names \(member.id): \(result.stderr)")
                }
            }
            let nowhere = try await sharectl(["inbox", "--as", "northshire-csc", "--demo-dir", folder.appendingPathComponent("nowhere").path])
            #expect(nowhere.status == 64)
            #expect(nowhere.stderr.contains("sharebroker demo"), "says how to make one: \(nowhere.stderr)")
            let missingKey = try await sharectl(["sign", envelope, "--signing-key", folder.appendingPathComponent("nowhere.key").path])
            #expect(missingKey.status == 64, "a file error: \(missingKey.stderr)")
            #expect(missingKey.stderr.contains("Cannot read the signing key file"))
        }
    }

    @Test("the demo's certificates are valid for at most 398 days, as browsers require of a server certificate")
    func certificateLifetime() async throws {
        try await withDemoFolder(port: 1) { folder in
            for name in ["broker.crt", "northshire-csc.crt"] {
                let certificate = folder.appendingPathComponent("pki/\(name)").path
                let end = try await Subprocess.run("openssl", ["x509", "-in", certificate, "-noout", "-enddate"]).text
                // `-checkend N` exits 0 when the certificate is still valid N seconds from now.
                let day = 86400
                let in397Days = try await Subprocess.run("openssl", ["x509", "-in", certificate, "-noout", "-checkend", "\(397 * day)"])
                let after398Days = try await Subprocess.run("openssl", ["x509", "-in", certificate, "-noout", "-checkend", "\(398 * day + 3600)"])
                #expect(in397Days.status == 0, "\(name) is still valid in 397 days: \(end)")
                #expect(after398Days.status == 1, "\(name) has expired 398 days and an hour from now: \(end)")
            }
        }
    }
}
