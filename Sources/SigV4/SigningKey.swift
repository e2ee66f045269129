import ASCII
import Crypto
import Synchronization

/// A derived SigV4 signing key (`AWS4` + secret, then date, region, service, `aws4_request`),
/// held as two SHA-256 states with the HMAC pads already absorbed. Deriving is four HMACs and
/// keying two more blocks; SDKs sign a day's requests with one key, so both are done once and
/// each request pays only for hashing its string to sign.
struct SigningKey: @unchecked Sendable {
    /// Never mutated after init; copies are updated, which copies the state they point to.
    private let inner: SHA256
    private let outer: SHA256

    init(secret: String, date: String, region: String, service: String) {
        func hmac(_ message: String, _ key: [UInt8]) -> [UInt8] {
            Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: key)))
        }
        let signing = hmac("aws4_request", hmac(service, hmac(region, hmac(date, Array(("AWS4" + secret).utf8)))))
        // RFC 2104 with a 32-byte key: zero-padded to SHA-256's 64-byte block.
        var innerPad = [UInt8](repeating: 0x36, count: 64)
        var outerPad = [UInt8](repeating: 0x5c, count: 64)
        for (k, b) in signing.enumerated() {
            innerPad[k] ^= b
            outerPad[k] ^= b
        }
        var inner = SHA256()
        innerPad.withUnsafeBytes { inner.update(bufferPointer: $0) }
        var outer = SHA256()
        outerPad.withUnsafeBytes { outer.update(bufferPointer: $0) }
        self.inner = inner
        self.outer = outer
    }

    func authenticationCode(for message: UnsafeRawBufferPointer) -> SHA256Digest {
        var i = inner
        i.update(bufferPointer: message)
        var o = outer
        i.finalize().withUnsafeBytes { o.update(bufferPointer: $0) }
        return o.finalize()
    }

    /// Whether `signature` is this key's code for `message`, in time that does not depend on
    /// where they differ.
    func isValid(signature: UnsafeRawBufferPointer, for message: UnsafeRawBufferPointer) -> Bool {
        authenticationCode(for: message).withUnsafeBytes { constantTimeEqual($0, signature) }
    }
}

/// A credential with the signing keys lately derived from it. Bounded per credential: a client
/// signs with few scopes at once (a day, a region), and when more arrive the oldest goes.
final class CredentialKeys: Sendable {
    let credential: SigV4Credential
    /// The key's own copy of its id, which verdicts hand on: each worker's verifier has its
    /// own, so two cores never count references to one string.
    let accessKeyId: String
    private let capacity = 8
    /// Each key with its scope's bytes, `date/region/service`.
    private let keys = Mutex<[(scope: [UInt8], key: SigningKey)]>([])

    init(_ credential: SigV4Credential) {
        self.credential = credential
        accessKeyId = String(decoding: Array(credential.accessKeyId.utf8), as: UTF8.self)
    }

    /// The key for `input`'s scope, found by comparing the scope's bytes where it was parsed.
    func signingKey(for input: SignatureInput) -> SigningKey {
        let scope = input.keyScopeRange
        let found = input.text.withUnsafeBytes { text in
            keys.withLock { keys in
                keys.first(where: { k in k.scope.withUnsafeBytes { ASCIIBytes.equals(text, scope, $0) } })?.key
            }
        }
        if let found { return found }
        let key = SigningKey(secret: credential.secretAccessKey, date: input.scopeDate, region: input.region, service: input.service)
        keys.withLock {
            if $0.count >= capacity { $0.removeFirst() }
            $0.append((Array(input.text[scope]), key))
        }
        return key
    }
}
