import ASCII
@testable import ConnectMock
import Foundation
import Synchronization
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
        func entry(_ path: String, at t: UInt64) -> RequestJournal.Entry {
            .init(time: Instant(millisecondsSinceEpoch: 0), method: "GET", path: path, accessKeyId: nil, status: 200, errorCode: nil,
                  reason: nil, requestId: UUID4(t, t), durationMicros: 1, recordedAt: t)
        }
        a.record(entry("a1", at: 10))
        b.record(entry("b1", at: 20))
        a.record(entry("a2", at: 30))
        b.record(entry("b2", at: 40))
        a.record(entry("a3", at: 50))
        XCTAssertEqual(journal.list(limit: nil).map(\.path), ["a2", "b2", "a3"])
        XCTAssertEqual(journal.list(limit: 2).map(\.path), ["b2", "a3"])
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

/// The seed's hand-off: batches made out of order on several threads arrive in order, and a
/// consumer that gives up stops the producers.
final class BatchPipeTests: XCTestCase {
    func testBatchesArriveInOrderWhateverOrderTheyAreMadeIn() {
        let pipe = BatchPipe<Int>(batchCount: 200, window: 3)
        pipe.startProducers(threads: 4) { k in
            usleep(UInt32((k * 7919) % 13) * 50)
            return [k, k]
        }
        var seen: [Int] = []
        while let batch = pipe.take() { seen.append(contentsOf: batch) }
        pipe.waitForProducers()
        XCTAssertEqual(seen, (0..<200).flatMap { [$0, $0] })
    }

    func testCancellingStopsTheProducersEarly() {
        let made = Atomic<Int>(0)
        let pipe = BatchPipe<Int>(batchCount: 10_000, window: 2)
        pipe.startProducers(threads: 2) { k in
            made.add(1, ordering: .relaxed)
            return [k]
        }
        XCTAssertEqual(pipe.take(), [0])
        pipe.cancelAndWait()
        XCTAssertNil(pipe.take())
        XCTAssertLessThan(made.load(ordering: .relaxed), 10)
    }
}
