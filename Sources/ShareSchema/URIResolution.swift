/// RFC 3986 reference resolution (section 5.2), enough for `$id` and `$ref`. Works on Unicode
/// scalars, not `Character`s: a delimiter followed by a combining mark (say "/" and U+0301) is
/// still a delimiter, where `Character`-based searching would see one grapheme and miss it.
enum URIResolution {
    typealias Scalars = Substring.UnicodeScalarView

    /// The five components of a URI reference (RFC 3986 appendix B).
    struct Components {
        var scheme: String?
        var authority: String?
        var path: String
        var query: String?
        var fragment: String?

        init(_ reference: String) {
            var rest = Substring(reference).unicodeScalars
            if let hash = rest.firstIndex(of: "#") {
                fragment = String(rest[rest.index(after: hash)...])
                rest = rest[..<hash]
            }
            if let question = rest.firstIndex(of: "?") {
                query = String(rest[rest.index(after: question)...])
                rest = rest[..<question]
            }
            if let colon = rest.firstIndex(of: ":"), colon != rest.startIndex, !rest[..<colon].contains("/") {
                scheme = String(rest[..<colon])
                rest = rest[rest.index(after: colon)...]
            }
            if rest.starts(with: "//".unicodeScalars) {
                let afterSlashes = rest.dropFirst(2)
                let end = afterSlashes.firstIndex(of: "/") ?? afterSlashes.endIndex
                authority = String(afterSlashes[..<end])
                rest = afterSlashes[end...]
            }
            path = String(rest)
        }

        var text: String {
            var result = ""
            if let scheme { result += scheme + ":" }
            if let authority { result += "//" + authority }
            result += path
            if let query { result += "?" + query }
            if let fragment { result += "#" + fragment }
            return result
        }
    }

    /// `reference` resolved against `base` (RFC 3986 section 5.2.2, strict).
    static func resolve(_ reference: String, against base: String) -> String {
        let ref = Components(reference)
        let base = Components(base)
        var target = Components("")
        if ref.scheme != nil {
            target = ref
            target.path = removeDotSegments(ref.path)
        } else {
            target.scheme = base.scheme
            if ref.authority != nil {
                target.authority = ref.authority
                target.path = removeDotSegments(ref.path)
                target.query = ref.query
            } else {
                target.authority = base.authority
                if ref.path.isEmpty {
                    target.path = base.path
                    target.query = ref.query ?? base.query
                } else {
                    target.path = removeDotSegments(ref.path.unicodeScalars.first == "/" ? ref.path : merge(base: base, path: ref.path))
                    target.query = ref.query
                }
            }
        }
        target.fragment = ref.fragment
        return target.text
    }

    /// Splits off the fragment: ("urn:x", "/$defs/a") for "urn:x#/$defs/a"; an absent fragment is nil.
    static func splitFragment(_ uri: String) -> (base: String, fragment: String?) {
        let scalars = uri.unicodeScalars
        guard let hash = scalars.firstIndex(of: "#") else { return (uri, nil) }
        return (String(scalars[..<hash]), String(scalars[scalars.index(after: hash)...]))
    }

    /// Decodes %XX escapes; nil if an escape is malformed or the result is not UTF-8.
    static func percentDecoded(_ text: String) -> String? {
        guard text.utf8.contains(0x25) else { return text }
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == 0x25 else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    private static func merge(base: Components, path: String) -> String {
        if base.authority != nil, base.path.isEmpty { return "/" + path }
        let scalars = base.path.unicodeScalars
        guard let slash = scalars.lastIndex(of: "/") else { return path }
        return String(scalars[...slash]) + path
    }

    private static func removeDotSegments(_ path: String) -> String {
        var input = Substring(path).unicodeScalars
        var output: [Scalars] = []
        func isPrefix(_ text: String) -> Bool { input.starts(with: text.unicodeScalars) }
        func isWhole(_ text: String) -> Bool { input.elementsEqual(text.unicodeScalars) }
        while !input.isEmpty {
            if isPrefix("../") {
                input = input.dropFirst(3)
            } else if isPrefix("./") {
                input = input.dropFirst(2)
            } else if isPrefix("/./") {
                input = input.dropFirst(2)
            } else if isWhole("/.") {
                input = Substring("/").unicodeScalars
            } else if isPrefix("/../") {
                input = input.dropFirst(3)
                if !output.isEmpty { output.removeLast() }
            } else if isWhole("/..") {
                input = Substring("/").unicodeScalars
                if !output.isEmpty { output.removeLast() }
            } else if isWhole(".") || isWhole("..") {
                input = input[input.endIndex...]
            } else {
                let searchStart = input.first == "/" ? input.index(after: input.startIndex) : input.startIndex
                let end = input[searchStart...].firstIndex(of: "/") ?? input.endIndex
                output.append(input[..<end])
                input = input[end...]
            }
        }
        return output.map(String.init).joined()
    }
}
