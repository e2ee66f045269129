/// An error botocore's model lists for an operation: its code, HTTP status and the name of its
/// message member, so an injected one reaches the SDK exactly as AWS's would.
public struct ModeledError: Sendable, Equatable {
    public var code: String
    public var status: Int
    public var messageKey: String
}

/// A member of an operation's input: where it travels (a URI label, the query string, a header
/// or the JSON body) and the model's constraints on it.
public struct ModeledMember: Sendable, Equatable {
    public enum Location: String, Sendable {
        case uri, querystring, header, body
    }

    public var name: String
    public var location: Location
    public var locationName: String
    /// The member's shape in the table (`InstanceId`, `SearchContactsTimeRange`).
    public var shape: String
    public var required: Bool
    public var min: Int?
    public var max: Int?

    /// The name AWS's validation messages use: `Value at 'contactId' failed to satisfy ...`.
    public var messageName: String {
        name.prefix(1).lowercased() + name.dropFirst()
    }
}

/// An operation of botocore's model that the mock serves: its route, input members and
/// modeled errors (generated into `served` by `make model`).
public struct ModeledOperation: Sendable {
    public var name: String
    public var method: String
    public var uri: String
    /// The input and output shapes' names in the table.
    public var inputShape: String
    public var outputShape: String?
    public var input: [ModeledMember]
    public var errors: [ModeledError]

    public static func named(_ name: String) -> ModeledOperation? {
        served.first { $0.name == name }
    }

    /// The errors a fault rule without `operation` may inject: those every operation can give.
    public static let anyOperationErrors = ["ThrottlingException", "InternalServiceException"]
}
