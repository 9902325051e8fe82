import NIOSSL

/// The broker's TLS server configuration: its certificate, client certificates required and
/// verified against the configured CA, TLS 1.3 unless 1.2 is asked for.
enum TLSFactory {
    /// ECDHE key exchange with AEAD ciphers only, for when TLS 1.2 is allowed.
    static let tls12Ciphers: [NIOTLSCipher] = [
        .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        .TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, .TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]

    static func serverConfiguration(_ settings: ServerSettings) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        let authorities: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(settings.certificatePath)
        } catch {
            throw ConfigurationError("/tls/certificate: cannot read a PEM certificate from \(settings.certificatePath).")
        }
        do {
            key = try NIOSSLPrivateKey(file: settings.privateKeyPath, format: .pem)
        } catch {
            throw ConfigurationError("/tls/privateKey: cannot read a PEM private key from \(settings.privateKeyPath).")
        }
        do {
            authorities = try NIOSSLCertificate.fromPEMFile(settings.clientCAPath)
        } catch {
            throw ConfigurationError("/tls/clientCA: cannot read PEM certificates from \(settings.clientCAPath).")
        }
        guard !chain.isEmpty, !authorities.isEmpty else {
            throw ConfigurationError("/tls: the certificate and client CA files must each hold at least one certificate.")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.certificateVerification = .noHostnameVerification
        configuration.trustRoots = .certificates(authorities)
        configuration.sendCANameList = true
        switch settings.minimumTLSVersion {
        case .tls13:
            configuration.minimumTLSVersion = .tlsv13
        case .tls12:
            configuration.minimumTLSVersion = .tlsv12
            configuration.cipherSuiteValues = tls12Ciphers
        }
        return configuration
    }
}
