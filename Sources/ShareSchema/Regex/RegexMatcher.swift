extension RegexProgram {
    /// Whether the pattern matches anywhere in `text` (ECMA-262 `RegExp.prototype.test`, no flags).
    func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { run(on: $0) }
    }

    /// A Pike VM over the UTF-8 bytes, decoding one scalar per step.
    private func run(on bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        instructions.withUnsafeBufferPointer { instructions in
            sets.withUnsafeBufferPointer { sets in run(on: bytes, instructions, sets) }
        }
    }

    private func run(
        on bytes: UnsafeBufferPointer<UInt8>, _ instructions: UnsafeBufferPointer<Instruction>, _ sets: UnsafeBufferPointer<ScalarSet>
    ) -> Bool {
        let size = instructions.count
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: size * 4 + 2) { storage in
            // [0, size): current threads, [size, 2size): next threads,
            // [2size, 3size): generation marks, [3size, 4size + 2): work stack (each instruction pushes at most one net entry).
            let base = storage.baseAddress.unsafelyUnwrapped
            var current = base
            var next = base + size
            let marks = base + 2 * size
            let stack = base + 3 * size
            marks.initialize(repeating: 0, count: size)
            var currentCount = 0
            var nextCount = 0
            var generation = 1
            var position = 0
            let end = bytes.count

            /// Adds `start` and everything reachable from it without consuming input; true on reaching `match`.
            func addThread(_ start: Int, at position: Int, into list: UnsafeMutablePointer<Int>, count: inout Int) -> Bool {
                var depth = 0
                stack[0] = start
                depth = 1
                while depth > 0 {
                    depth -= 1
                    let pc = stack[depth]
                    if marks[pc] == generation { continue }
                    marks[pc] = generation
                    switch instructions[pc] {
                    case .set:
                        list[count] = pc
                        count += 1
                    case .jump(let target):
                        stack[depth] = target
                        depth += 1
                    case .split(let first, let second):
                        stack[depth] = second
                        stack[depth + 1] = first
                        depth += 2
                    case .assert(let assertion):
                        if holds(assertion, at: position, in: bytes) {
                            stack[depth] = pc + 1
                            depth += 1
                        }
                    case .match:
                        return true
                    }
                }
                return false
            }

            if addThread(0, at: 0, into: current, count: &currentCount) { return true }
            while position < end {
                let (scalar, length) = decode(bytes, at: position)
                let following = position + length
                generation += 1
                nextCount = 0
                for index in 0..<currentCount {
                    let pc = current[index]
                    guard case .set(let low, let high, let setIndex) = instructions[pc] else { continue }
                    let member = scalar < 64 ? low & (1 << UInt64(scalar)) != 0
                        : scalar < 128 ? high & (1 << UInt64(scalar - 64)) != 0
                        : sets[setIndex].contains(scalar)
                    if member {
                        if addThread(pc + 1, at: following, into: next, count: &nextCount) { return true }
                    }
                }
                if !anchoredAtStart, addThread(0, at: following, into: next, count: &nextCount) { return true }
                swap(&current, &next)
                currentCount = nextCount
                position = following
                if currentCount == 0, anchoredAtStart { return false }
            }
            return false
        }
    }

    private func holds(_ assertion: RegexAssertion, at position: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        switch assertion {
        case .start: return position == 0
        case .end: return position == bytes.count
        case .wordBoundary, .notWordBoundary:
            let before = position > 0 && Self.isWordByte(bytes[position - 1])
            let after = position < bytes.count && Self.isWordByte(bytes[position])
            return (before != after) == (assertion == .wordBoundary)
        }
    }

    /// ECMA-262 word characters are ASCII, so a byte test suffices (UTF-8 continuation bytes are never ASCII).
    private static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x5F, 0x61...0x7A: true
        default: false
        }
    }

    /// Decodes the scalar starting at `position` of valid UTF-8.
    private func decode(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> (UInt32, Int) {
        let lead = UInt32(bytes[position])
        if lead < 0x80 { return (lead, 1) }
        if lead < 0xE0 {
            return ((lead & 0x1F) << 6 | UInt32(bytes[position + 1] & 0x3F), 2)
        }
        if lead < 0xF0 {
            return ((lead & 0x0F) << 12 | UInt32(bytes[position + 1] & 0x3F) << 6 | UInt32(bytes[position + 2] & 0x3F), 3)
        }
        return ((lead & 0x07) << 18 | UInt32(bytes[position + 1] & 0x3F) << 12
            | UInt32(bytes[position + 2] & 0x3F) << 6 | UInt32(bytes[position + 3] & 0x3F), 4)
    }
}
