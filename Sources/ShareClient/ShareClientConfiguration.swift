public import Foundation

/// Where the broker is and the files that prove who this agency is.
public struct ShareClientConfiguration: Sendable {
    /// The base URLs of the broker's nodes, such as `https://broker-1.example:8443`, each
    /// https. A request goes first to the URL that last answered, and moves on to the next
    /// when a node cannot be reached or is unavailable; see `ShareClient` for which failures
    /// move a request and which do not. `ShareClient` refuses an empty list.
    public var urls: [URL]
    /// PEM file of the CA that issued the broker's certificate.
    public var caFile: String
    /// PEM file of this agency's TLS client certificate.
    public var certificateFile: String
    /// PEM file of that certificate's private key.
    public var keyFile: String
    /// Use HTTP/1.1 only, instead of HTTP/2 when the broker offers it.
    public var http1Only: Bool

    /// A broker at one URL, such as `https://127.0.0.1:8443`.
    public init(baseURL: URL, caFile: String, certificateFile: String, keyFile: String, http1Only: Bool = false) {
        self.init(urls: [baseURL], caFile: caFile, certificateFile: certificateFile, keyFile: keyFile, http1Only: http1Only)
    }

    /// A broker of several nodes, tried in turn.
    public init(urls: [URL], caFile: String, certificateFile: String, keyFile: String, http1Only: Bool = false) {
        self.urls = urls
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.http1Only = http1Only
    }

    /// The first of `urls`; setting it replaces every URL with this one. Reading it from a
    /// configuration with no URL is a programming error.
    public var baseURL: URL {
        get { urls[0] }
        set { urls = [newValue] }
    }
}
