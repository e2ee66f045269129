import ContactModel
import ContactStore
import HTTP1
import JSON

/// An error the mock API answers with: its status, message, the JSON path at fault, and any
/// extra header. Every error type a mock-API route can throw says how it reads here, so the API
/// renders them all in one place (`MockAPI.error`) rather than matching each in turn.
protocol MockAPIRenderable: Error {
    var mockAPIError: MockAPI.APIError { get }
}

extension MockAPI.APIError: MockAPIRenderable {
    var mockAPIError: MockAPI.APIError { self }
}

extension ConfigError: MockAPIRenderable {
    var mockAPIError: MockAPI.APIError {
        MockAPI.APIError(status: 400, message: message, path: path.isEmpty ? nil : "$." + path)
    }
}

extension FixtureErrors: MockAPIRenderable {
    var mockAPIError: MockAPI.APIError {
        let first = issues.first
        return MockAPI.APIError(status: 400, message: first?.message ?? "invalid contact", path: first?.path)
    }
}

extension SeedFailure: MockAPIRenderable {
    var mockAPIError: MockAPI.APIError { MockAPI.APIError(status: 400, message: description) }
}

extension StoreError: MockAPIRenderable {
    var mockAPIError: MockAPI.APIError {
        switch self {
        case .busy:
            // Another process (a `connect-mock seed` run against the same file) held the write
            // lock past SQLite's busy timeout; every route can simply be retried.
            MockAPI.APIError(status: 503, message: "the store file is being written by another process (a connect-mock seed?); nothing in the store was changed, try again when it has finished",
                             headers: [("Retry-After", "1")])
        case .full(let path, _):
            MockAPI.APIError(status: 507, message: "insufficient storage: the disk holding \(path) is full (SQLITE_FULL); nothing in the store was changed, reads still work; free space and try again")
        case .cannotOpen, .unreadable, .generatorMismatch, .sqlite:
            MockAPI.APIError(status: 500, message: "internal error: \(self)")
        }
    }
}
