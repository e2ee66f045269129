@testable import ConnectMock
import Timekeeping
import XCTest

/// The state workers share without a common lock: the clock word, and the journal's and the
/// metrics' per-worker shards.
final class SharedStateTests: XCTestCase {
    func testClockSettingsSurviveTheAtomicWord() {
        let settings: [ClockSetting] = [
            .system, .frozen(Instant(millisecondsSinceEpoch: 0)), .frozen(Instant(millisecondsSinceEpoch: 1_764_000_000_123)),
            .frozen(Instant(millisecondsSinceEpoch: -86_400_001)), .offset(seconds: 0), .offset(seconds: -3_155_760_000),
            .offset(seconds: 3_155_760_000),
        ]
        let clock = DataClock(.system, systemNow: { Instant(millisecondsSinceEpoch: 1_000_000) })
        for s in settings {
            clock.set(s)
            XCTAssertEqual(clock.setting, s)
        }
        clock.set(.offset(seconds: -10))
        XCTAssertEqual(clock.now(), Instant(millisecondsSinceEpoch: 990_000))
    }

    func testJournalMergesShardsInRecordedOrderAndKeepsTheNewest() {
        let journal = RequestJournal(capacity: 3)
        let a = journal.makeShard(), b = journal.makeShard()
        func entry(_ id: String, at t: UInt64) -> RequestJournal.Entry {
            .init(time: Instant(millisecondsSinceEpoch: 0), method: "GET", path: "/", accessKeyId: nil, status: 200, errorCode: nil,
                  reason: nil, requestId: id, durationMicros: 1, recordedAt: t)
        }
        a.record(entry("a1", at: 10))
        b.record(entry("b1", at: 20))
        a.record(entry("a2", at: 30))
        b.record(entry("b2", at: 40))
        a.record(entry("a3", at: 50))
        XCTAssertEqual(journal.list(limit: nil).map(\.requestId), ["a2", "b2", "a3"])
        XCTAssertEqual(journal.list(limit: 2).map(\.requestId), ["b2", "a3"])
        journal.clear()
        XCTAssertTrue(journal.list(limit: nil).isEmpty)
    }

    func testMetricsSumTheirShards() {
        let metrics = Metrics()
        let a = metrics.makeShard(), b = metrics.makeShard()
        a.observe(route: "DescribeContact", status: 200, seconds: 0.0002)
        b.observe(route: "DescribeContact", status: 200, seconds: 0.002)
        b.observe(route: "DescribeContact", status: 404, seconds: 0.02)
        let text = metrics.exposition(contacts: 7)
        XCTAssertTrue(text.contains(#"connect_mock_requests_total{route="DescribeContact",status="200"} 2"#), text)
        XCTAssertTrue(text.contains(#"connect_mock_requests_total{route="DescribeContact",status="404"} 1"#), text)
        XCTAssertTrue(text.contains(#"connect_mock_request_duration_seconds_bucket{le="0.00025"} 1"#), text)
        XCTAssertTrue(text.contains(#"connect_mock_request_duration_seconds_bucket{le="0.0025"} 2"#), text)
        XCTAssertTrue(text.contains("connect_mock_request_duration_seconds_count 3"), text)
    }
}
