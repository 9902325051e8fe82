public import Foundation

/// Where the broker is and the files that prove who this agency is.
public struct ShareClientConfiguration: Sendable {
    /// The broker's base URL, such as `https://127.0.0.1:8443`.
    public var baseURL: URL
    /// PEM file of the CA that issued the broker's certificate.
    public var caFile: String
    /// PEM file of this agency's TLS client certificate.
    public var certificateFile: String
    /// PEM file of that certificate's private key.
    public var keyFile: String
    /// Use HTTP/1.1 only, instead of HTTP/2 when the broker offers it.
    public var http1Only: Bool

    public init(baseURL: URL, caFile: String, certificateFile: String, keyFile: String, http1Only: Bool = false) {
        self.baseURL = baseURL
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.http1Only = http1Only
    }
}
