extension ConnectionSettings {
    /// The settings of the configuration file's `connections` object; defaults for what it leaves out.
    init(_ file: ConfigFile.Connections?) throws {
        self.init()
        guard let file else { return }
        func count(_ value: Int?, _ name: String, default fallback: Int) throws -> Int {
            guard let value else { return fallback }
            guard value >= 1 else { throw ConfigurationError("/connections/\(name) must be at least 1.") }
            return value
        }
        func duration(_ value: Double?, _ name: String, default fallback: Duration) throws -> Duration {
            guard let value else { return fallback }
            guard value > 0 && value <= 3600 else {
                throw ConfigurationError("/connections/\(name) must be more than 0 and at most 3600.")
            }
            return .milliseconds(Int((value * 1000).rounded()))
        }
        maxOpen = try count(file.maxOpen, "maxOpen", default: maxOpen)
        maxPerAddress = try count(file.maxPerAddress, "maxPerAddress", default: maxPerAddress)
        handshakeTimeout = try duration(file.handshakeTimeoutSeconds, "handshakeTimeoutSeconds", default: handshakeTimeout)
        headerTimeout = try duration(file.headerTimeoutSeconds, "headerTimeoutSeconds", default: headerTimeout)
        bodyTimeout = try duration(file.bodyTimeoutSeconds, "bodyTimeoutSeconds", default: bodyTimeout)
        idleTimeout = try duration(file.idleTimeoutSeconds, "idleTimeoutSeconds", default: idleTimeout)
    }
}
