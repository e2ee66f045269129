/// The shipped `config.yaml`, byte for byte: the built-in defaults. A test keeps the two equal.
public enum DefaultConfig {
    public static let yaml = """
# connect-mock configuration. This file is also the built-in default: with no config file the
# mock behaves exactly as written here. Unknown keys are errors.
server: {host: 127.0.0.1, port: 8080, workers: 1, idleTimeoutSeconds: 60,
         maxHeaderBytes: 16384, maxBodyBytes: 1048576}
database: {path: .connect-mock/contacts.sqlite}      # ":memory:" allowed
instances:
  - {id: 8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01, region: us-east-1, accountId: "123456789012", alias: demo}
credentials:
  - {accessKeyId: AKIAIOSFODNN7EXAMPLE, secretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, name: demo}
    # optional: sessionToken, instances: [ids this key may read]
auth: {mode: verify, maxSkewSeconds: 300, explainFailures: true}
retention: {months: 24, cutoff: "2021-11-12T00:00:00Z", purgeIntervalSeconds: 3600}
clock: {}                     # {now: "2026-01-01T00:00:00Z"} or {offsetSeconds: -86400}
seed: {fixtures: [seed-data], synthetic: {count: 50, seed: 42}}
throttle: {ratePerSecond: 0, burst: 0, per: accessKey}  # 0 = off; per: accessKey | account
validation: {unknownMembers: reject}                 # reject | keep (store members the model lacks)
faults: []                                           # rules as in PUT /_mock/faults
contacts: {view: asOfClock}                          # asOfClock | stored (whole, as stored)
events: {retain: 10000, webhooks: []}                # webhooks: [{url: "http://host:port/path"}]
outbound: {rules: []}                                # rules as in PUT /_mock/outbound
admin: {enabled: true, token: null, journalSize: 1000}
logging: {level: info, format: text}                  # text | json

"""
}
