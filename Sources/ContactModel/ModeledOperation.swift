/// An error botocore's model lists for an operation: its code, HTTP status and the name of its
/// message member, so an injected one reaches the SDK exactly as AWS's would.
public struct ModeledError: Sendable, Equatable {
    public var code: String
    public var status: Int
    public var messageKey: String
}

/// An operation of botocore's model that the mock serves: its route and modeled errors
/// (generated into `served` by `make model`).
public struct ModeledOperation: Sendable {
    public var name: String
    public var method: String
    public var uri: String
    public var errors: [ModeledError]

    public static func named(_ name: String) -> ModeledOperation? {
        served.first { $0.name == name }
    }

    /// The errors a fault rule without `operation` may inject: those every operation can give.
    public static let anyOperationErrors = ["ThrottlingException", "InternalServiceException"]
}
