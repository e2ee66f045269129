/// The parts of a contact's ARN, `arn:PARTITION:connect:REGION:ACCOUNT:instance/IID/contact/CID`:
/// an event names the account, region and instance it comes from, and a stored contact carries
/// all three only in its `Arn`.
public struct ContactARN: Sendable, Equatable {
    public var partition: String
    public var region: String
    public var account: String
    public var instanceId: String
    /// Everything after `/contact/`, slashes included (SPEC §4: an id DescribeContact served can
    /// always be seeded back).
    public var contactId: String

    /// Nil when `arn` is not a Connect contact ARN.
    public init?(_ arn: String) {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", !parts[1].isEmpty, parts[2] == "connect", !parts[3].isEmpty, !parts[4].isEmpty
        else { return nil }
        let resource = parts[5]
        guard resource.hasPrefix("instance/"), let marker = resource.firstRange(of: "/contact/") else { return nil }
        let instance = resource[resource.index(resource.startIndex, offsetBy: 9)..<marker.lowerBound]
        let contact = resource[marker.upperBound...]
        guard !instance.isEmpty, !instance.contains("/"), !contact.isEmpty else { return nil }
        partition = String(parts[1])
        region = String(parts[3])
        account = String(parts[4])
        instanceId = String(instance)
        contactId = String(contact)
    }

    /// `arn:aws:connect:REGION:ACCOUNT:instance/IID`: the instance's ARN, which also starts
    /// every agent and queue ARN of the instance.
    public var instanceArn: String { "arn:\(partition):connect:\(region):\(account):instance/\(instanceId)" }

    public var contactArn: String { instanceArn + "/contact/" + contactId }
}
