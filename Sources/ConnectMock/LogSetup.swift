import Foundation
import JSON
import Logging
import Timekeeping

/// Log lines go to standard error only, so standard output stays machine-readable.
public enum LogSetup {
    public static func bootstrap(level: String, format: String) {
        let lvl = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            var h: LogHandler = format == "json" ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            h.logLevel = lvl
            return h
        }
    }
}

/// One JSON object per line: time, level, label, message.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let line = JSONWriter.string(.fields([
            "time": .string(ISO8601.format(SystemClock.now())), "level": .string(event.level.rawValue),
            "label": .string(label), "message": .string(event.message.description),
        ])) + "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
