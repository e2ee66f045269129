import JSON
import Timekeeping

/// Where the customer and the instance were reached: numbers, addresses and flows by channel.
extension ContactWriter {
    func endpoints(_ f: inout ObjectWriter<ContactShapes.Contact>, _ c: ChainContext, _ traits: Traits, rng: inout SeededGenerator) {
        switch c.channel {
        case "VOICE":
            let customer = "+1" + String(rng.int(2_012_000_000...9_899_999_999))
            f.member(.customerEndpoint) { endpoint("TELEPHONE_NUMBER", customer, rng.chance(0.3) ? "Customer" : nil) }
            if !traits.noSystemEndpoint {
                let system = "+1" + String(rng.int(8_002_000_000...8_889_999_999))
                f.member(.systemEndpoint) { endpoint("TELEPHONE_NUMBER", system, rng.chance(0.3) ? "Main line" : nil) }
            }
        case "CHAT":
            if rng.chance(0.5) { f.member(.customerEndpoint) { endpoint("VOIP", "web-" + String(rng.int(1000...9999)), "Web visitor") } }
        case "EMAIL":
            f.member(.customerEndpoint) { endpoint("EMAIL_ADDRESS", "customer\(rng.int(1...9999))@example.com", "Jane Customer") }
            if !traits.noSystemEndpoint { f.member(.systemEndpoint) { endpoint("EMAIL_ADDRESS", "support@example.com", "Example Support") } }
        default:
            if rng.chance(0.3), c.method != "QUEUE_TRANSFER" {
                f.member(.systemEndpoint) { endpoint("CONTACT_FLOW", "\(arnPrefix)/contact-flow/\(rng.uuid())", nil) }
            }
        }
    }

    func endpoint(_ type: String, _ address: String, _ display: String?) {
        object(ContactShapes.EndpointInfo.self) { e in
            e.string(.type, type)
            e.string(.address, address)
            if let display { e.string(.displayName, display) }
        }
    }

    func emailRecipient(_ address: String, _ display: String) {
        object(ContactShapes.EmailRecipient.self) { r in
            r.string(.address, address)
            r.string(.displayName, display)
        }
    }
}
