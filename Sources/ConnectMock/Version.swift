/// The release version: `connect-mock --version` and the mock API's health answer read it. The
/// repository's `VERSION` file is the one to edit; this copy, the Docker image's label and the
/// wheel's name follow it (`scripts/check-version.sh --write` rewrites them, and `make test`
/// fails while any differs).
public let connectMockVersion = "0.1.0"
