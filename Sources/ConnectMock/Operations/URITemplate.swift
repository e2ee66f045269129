import ASCII
import ContactModel
import SigV4

/// A route of botocore's model, `/contacts/{InstanceId}/{ContactId}`, matched against a request
/// path without copying it: literal segments compare in place, and each label is a byte range
/// of the path until the operation decodes it.
///
/// Labels are single segments (the model's operations the mock serves have no greedy `{X+}`
/// label); a label never matches an empty segment, as botocore never sends one.
struct URITemplate: Sendable {
    /// A segment: a label, or a literal at `start..<start+count` of `literals`. Plain integers,
    /// so walking the template per request retains nothing.
    struct Piece: Sendable {
        var isLabel: Bool
        var start: Int
        var count: Int
    }

    let pieces: [Piece]
    /// Every literal segment's bytes, one after another.
    let literals: [UInt8]
    /// The label names in path order.
    let labels: [String]

    init(_ uri: String) {
        var pieces: [Piece] = []
        var literals: [UInt8] = []
        var labels: [String] = []
        for part in uri.split(separator: "/", omittingEmptySubsequences: true) {
            if part.hasPrefix("{"), part.hasSuffix("}") {
                let name = String(part.dropFirst().dropLast())
                precondition(!name.hasSuffix("+"), "greedy label \(name) in \(uri): URITemplate matches single segments only")
                pieces.append(Piece(isLabel: true, start: 0, count: 0))
                labels.append(name)
            } else {
                pieces.append(Piece(isLabel: false, start: literals.count, count: part.utf8.count))
                literals += part.utf8
            }
        }
        self.pieces = pieces
        self.literals = literals
        self.labels = labels
        precondition(labels.count <= PathLabels.capacity, "\(uri) has more labels than PathLabels holds")
    }

    /// The labels' byte ranges in `path` when it matches, in path order.
    func match(_ path: Span<UInt8>) -> PathLabels? {
        var labels = PathLabels()
        var i = 0
        let matched: Bool = literals.withUnsafeBufferPointer { lit in
            path.withUnsafeBufferPointer { b in
                for piece in pieces {
                    guard i < b.count, b[i] == UInt8(ascii: "/") else { return false }
                    let start = i + 1
                    var end = start
                    while end < b.count, b[end] != UInt8(ascii: "/") { end += 1 }
                    if piece.isLabel {
                        guard end > start else { return false }
                        labels.append(start..<end)
                    } else {
                        guard end - start == piece.count else { return false }
                        for k in 0..<piece.count where b[start + k] != lit[piece.start + k] { return false }
                    }
                    i = end
                }
                return i == b.count
            }
        }
        return matched ? labels : nil
    }
}

/// Up to two labels' byte ranges: every operation served has at most two, and a fixed pair
/// keeps an array allocation off the request path.
struct PathLabels: Sendable {
    static let capacity = 2
    private(set) var count = 0
    private var first = 0..<0
    private var second = 0..<0

    mutating func append(_ r: Range<Int>) {
        if count == 0 { first = r } else { second = r }
        count += 1
    }

    subscript(k: Int) -> Range<Int> { k == 0 ? first : second }
}

/// The labels percent-decoded, and the first that is not UTF-8 once decoded.
struct LabelValues: Sendable {
    var first: String
    var second: String
    var notUTF8: Int?

    init(_ ranges: PathLabels, in path: Span<UInt8>) {
        let none: (text: String, valid: Bool) = ("", true)
        let a = ranges.count > 0 ? URIEncoding.decodeValidating(path, ranges[0]) : none
        let b = ranges.count > 1 ? URIEncoding.decodeValidating(path, ranges[1]) : none
        first = a.text
        second = b.text
        notUTF8 = !a.valid ? 0 : !b.valid ? 1 : nil
    }

    /// Borrowed, not copied: validation and the handlers read labels without a retain.
    subscript(k: Int) -> String {
        _read { if k == 0 { yield first } else { yield second } }
    }
}
