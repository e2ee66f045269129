/// A Connect resource's ARN, `arn:PARTITION:connect:REGION:ACCOUNT:instance/IID/ELEMENT/ID`, for
/// the elements the mock serves: `contact`, `agent` (a user) and `queue`. The one place that
/// reads and writes the form: fixtures, events, synthesis and AccessDenied all go through it.
public struct ConnectARN: Sendable, Equatable {
    public var partition: String
    public var region: String
    public var account: String
    public var instanceId: String
    public var element: String
    /// Everything after `/ELEMENT/`, slashes and colons included: the model gives ids no
    /// pattern, so an id DescribeContact served can always be seeded back (SPEC §4).
    public var id: String

    public init(partition: String = "aws", region: String, account: String, instanceId: String, element: String, id: String) {
        self.partition = partition
        self.region = region
        self.account = account
        self.instanceId = instanceId
        self.element = element
        self.id = id
    }

    /// Nil when `arn` is not the ARN of a Connect `element` in an instance.
    public init?(_ arn: String, element: String) {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1].hasPrefix("aws"), parts[2] == "connect", !parts[3].isEmpty, !parts[4].isEmpty
        else { return nil }
        let resource = parts[5]
        guard resource.hasPrefix("instance/") else { return nil }
        let afterInstance = resource.dropFirst("instance/".count)
        guard let slash = afterInstance.firstIndex(of: "/"), slash > afterInstance.startIndex else { return nil }
        let rest = afterInstance[afterInstance.index(after: slash)...]
        let marker = element + "/"
        guard rest.hasPrefix(marker), rest.count > marker.count else { return nil }
        self.init(partition: String(parts[1]), region: String(parts[3]), account: String(parts[4]),
                  instanceId: String(afterInstance[..<slash]), element: element, id: String(rest.dropFirst(marker.count)))
    }

    /// `arn:aws:connect:REGION:ACCOUNT:instance/IID`.
    public static func instance(partition: String = "aws", region: String, account: String, instanceId: String) -> String {
        "arn:\(partition):connect:\(region):\(account):instance/\(instanceId)"
    }

    public var instanceArn: String { ConnectARN.instance(partition: partition, region: region, account: account, instanceId: instanceId) }

    /// The ARN as text.
    public var text: String { instanceArn + "/" + element + "/" + id }
}
