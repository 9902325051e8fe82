/// NHS numbers: ten digits, the last a modulus 11 check digit of the first nine.
enum NHSNumber {
    enum Verdict: Equatable {
        case valid
        /// Not exactly ten ASCII digits.
        case malformed
        /// Ten digits, but the check digit is wrong (or the first nine give the impossible check value 10).
        case badCheckDigit
    }

    static func check(_ text: String) -> Verdict {
        let bytes = text.utf8
        guard bytes.count == 10, bytes.allSatisfy({ (0x30...0x39).contains($0) }) else { return .malformed }
        var sum = 0
        var weight = 10
        var checkDigit = 0
        for (offset, byte) in bytes.enumerated() {
            let digit = Int(byte - 0x30)
            if offset == 9 {
                checkDigit = digit
            } else {
                sum += digit * weight
                weight -= 1
            }
        }
        var expected = 11 - sum % 11
        if expected == 11 { expected = 0 }
        return expected != 10 && expected == checkDigit ? .valid : .badCheckDigit
    }
}
