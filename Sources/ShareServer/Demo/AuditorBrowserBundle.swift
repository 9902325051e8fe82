public import Foundation

/// The demo auditor's client certificate and key, with the demo CA, as a PKCS#12 file that a
/// browser imports, so that a person can open the auditor's workspace (`/workspace`). Written
/// by openssl (`openssl pkcs12 -export`, its default PBES2 AES-256 and PBKDF2 protection, which
/// Chromium's NSS and Firefox import) under a development password printed in the demo's banner.
public enum AuditorBrowserBundle {
    /// The development password of the file: it protects nothing real.
    public static let password = "northshire-dev"
    public static let agency = "northshire-audit"

    /// The file in the PKI folder `pki`, made now if it is not there yet; nil if openssl could
    /// not make it (the banner then says how to make it by hand).
    public static func ensure(pki: URL) -> URL? {
        let file = pki.appendingPathComponent("\(agency).p12")
        if FileManager.default.fileExists(atPath: file.path) { return file }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command(pki: pki, output: file)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        return file
    }

    /// The openssl command line that makes the file, as the banner shows it when openssl is missing.
    public static func command(pki: URL, output: URL) -> [String] {
        let path = { (name: String) in pki.appendingPathComponent(name).path }
        return ["openssl", "pkcs12", "-export", "-in", path("\(agency).crt"), "-inkey", path("\(agency).key"),
                "-certfile", path("ca.crt"), "-name", "Northshire Safeguarding Partnership Audit (DEVELOPMENT ONLY)",
                "-out", output.path, "-passout", "pass:\(password)"]
    }
}
