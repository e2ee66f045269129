import ArgumentParser
import ConnectMock
#if canImport(Glibc)
import Glibc
#endif

struct ConnectMockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect-mock",
        abstract: "A local Amazon Connect DescribeContact endpoint with real SigV4 checks.",
        version: "connect-mock \(connectMockVersion)",
        subcommands: [Serve.self, Seed.self, Purge.self, CheckConfig.self, Healthcheck.self])
}

struct ConfigOption: ParsableArguments {
    @Option(help: "Config file (else $CONNECT_MOCK_CONFIG, ./config.yaml, or the built-in defaults).")
    var config: String?
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve until SIGINT or SIGTERM.")
    @OptionGroup var options: ConfigOption
    @Option(help: "Listen address.") var host: String?
    @Option(help: "Listen port (0: any free port).") var port: Int?
    @Option(help: "SQLite file (\":memory:\" allowed).") var database: String?

    func run() throws {
        throw ExitCode(Commands.serve(configPath: options.config, overrides: .init(host: host, port: port, database: database)))
    }
}

struct Seed: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load fixtures and/or synthetic contacts in one transaction.")
    @OptionGroup var options: ConfigOption
    @Option(name: .customLong("fixtures"), help: "A fixture file or folder (repeatable).") var fixtures: [String] = []
    @Option(help: "How many synthetic contacts to generate.") var synthetic: Int?
    @Option(help: "Seed for synthetic contacts.") var seed: UInt64?
    @Option(help: "Instance for contacts that name none.") var instance: String?
    @Flag(help: "Delete every stored contact, user and queue first (same transaction).") var replace = false

    func run() throws {
        throw ExitCode(Commands.seed(configPath: options.config, fixtures: fixtures, synthetic: synthetic, seed: seed,
                                     instance: instance, replace: replace))
    }
}

struct Purge: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Delete contacts past retention or before the cutoff, at the configured clock.")
    @OptionGroup var options: ConfigOption
    func run() throws { throw ExitCode(Commands.purge(configPath: options.config)) }
}

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config", abstract: "Validate the config and print it, secrets redacted unless --show-secrets.")
    @OptionGroup var options: ConfigOption
    @Flag(help: "Print secrets as they are, for tools that write a config from this one.")
    var showSecrets = false
    func run() throws { throw ExitCode(Commands.checkConfig(configPath: options.config, showingSecrets: showSecrets)) }
}

struct Healthcheck: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Exit 0 when GET /_mock/health answers 200.")
    @Option(help: "Health URL.") var url = "http://127.0.0.1:8080/_mock/health"
    func run() throws { throw ExitCode(Commands.healthcheck(url: url)) }
}

do {
    var command = try ConnectMockCommand.parseAsRoot()
    try command.run()
} catch let code as ExitCode {
    exit(code.rawValue)
} catch {
    // Help and --version exit 0; every usage error exits 2, as SPEC §2 says (ArgumentParser's own default is 64).
    if ConnectMockCommand.exitCode(for: error) == .success { ConnectMockCommand.exit(withError: error) }
    Commands.printError(ConnectMockCommand.fullMessage(for: error))
    exit(2)
}
