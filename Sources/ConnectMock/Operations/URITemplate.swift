import ASCII
import ContactModel
import Foundation
import SigV4

/// A route of botocore's model, `/contacts/{InstanceId}/{ContactId}`, matched against a request
/// path without copying it: literal segments compare in place, and each label is a byte range
/// of the path until the operation decodes it.
///
/// Labels are single segments (the model's operations the mock serves have no greedy `{X+}`
/// label); a label never matches an empty segment, as botocore never sends one.
struct URITemplate: Sendable {
    enum Segment: Sendable {
        case literal([UInt8])
        case label(String)
    }

    let segments: [Segment]
    /// The label names in path order.
    let labels: [String]

    init(_ uri: String) {
        var segments: [Segment] = []
        for part in uri.split(separator: "/", omittingEmptySubsequences: true) {
            if part.hasPrefix("{"), part.hasSuffix("}") {
                let name = String(part.dropFirst().dropLast())
                precondition(!name.hasSuffix("+"), "greedy label \(name) in \(uri): URITemplate matches single segments only")
                segments.append(.label(name))
            } else {
                segments.append(.literal(Array(part.utf8)))
            }
        }
        self.segments = segments
        labels = segments.compactMap { if case .label(let n) = $0 { n } else { nil } }
        precondition(labels.count <= PathLabels.capacity, "\(uri) has more labels than PathLabels holds")
    }

    /// The labels' byte ranges in `path` when it matches, in path order.
    func match(_ path: Span<UInt8>) -> PathLabels? {
        var labels = PathLabels()
        var i = 0
        for segment in segments {
            guard i < path.count, path[i] == UInt8(ascii: "/") else { return nil }
            let start = i + 1
            let end = ASCIIBytes.first(UInt8(ascii: "/"), in: path, start..<path.count)
            switch segment {
            case .literal(let bytes):
                guard end - start == bytes.count, path.withUnsafeBytes({ p in
                    bytes.withUnsafeBytes { memcmp(p.baseAddress! + start, $0.baseAddress!, bytes.count) == 0 }
                }) else { return nil }
            case .label:
                guard end > start else { return nil }
                labels.append(start..<end)
            }
            i = end
        }
        return i == path.count ? labels : nil
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
    /// Each label's length when it had no escape: it is then bytes of the request target, which
    /// the HTTP parser admits only as visible ASCII, so its checks are its length alone.
    private var firstPlainCount: Int?
    private var secondPlainCount: Int?

    init(_ ranges: PathLabels, in path: Span<UInt8>) {
        let none: (text: String, valid: Bool, escaped: Bool) = ("", true, false)
        let a = ranges.count > 0 ? URIEncoding.decodeValidating(path, ranges[0]) : none
        let b = ranges.count > 1 ? URIEncoding.decodeValidating(path, ranges[1]) : none
        first = a.text
        second = b.text
        notUTF8 = !a.valid ? 0 : !b.valid ? 1 : nil
        firstPlainCount = a.escaped ? nil : ranges[0].count
        secondPlainCount = b.escaped ? nil : ranges[1].count
    }

    /// Label `k`'s length when it is visible ASCII as sent, nil when it was percent-decoded.
    func plainCount(_ k: Int) -> Int? { k == 0 ? firstPlainCount : secondPlainCount }

    subscript(k: Int) -> String { k == 0 ? first : second }

    /// Whether label `k` is `value`, read in place.
    func equals(_ k: Int, _ value: String) -> Bool { k == 0 ? first == value : second == value }
}
