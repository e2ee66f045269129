import ContactModel
import ContactStore
import Foundation
import Logging
import Timekeeping

/// Which stored contacts still have moments ahead of the data clock, and the events made as the
/// clock passes them (SPEC §9). It keeps per contact only its ids and its next moment; the
/// document is read again from the store when the clock reaches that moment, so watching many
/// contacts costs little memory.
///
/// Where it runs: `advance` runs on the thread that asks, always with that thread's own store
/// connection: a `PUT /_mock/clock` on the worker that received it (SPEC wants the events in the
/// feed before the PUT answers), and the one-second tick of a system or shifted clock on the
/// first worker's loop. One lock orders them, so two advances never interleave their events.
final class EventSchedule: @unchecked Sendable {
    private struct Watched {
        var instanceId: String
        var contactId: String
        var next: Instant
        /// Its events up to here are made (a write makes those up to its now at once).
        var since: Instant
    }

    private let lock = NSLock()
    private var watched: [String: Watched] = [:]
    /// Events have been made for every moment up to here.
    private var through: Instant
    let feed: EventFeed
    private let logger: Logger

    init(feed: EventFeed, start: Instant, logger: Logger) {
        self.feed = feed
        through = start
        self.logger = logger
    }

    private static func key(_ instanceId: String, _ contactId: String) -> String { instanceId + "\u{0}" + contactId }

    /// Forgets every contact and starts from `now`: at start, and after a reset or a seed, whose
    /// moments already past make no events (a million-contact seed floods nobody).
    func restart(at now: Instant) {
        lock.withLock {
            watched = [:]
            through = now
        }
    }

    /// Watches the stored contacts that may still have moments after `now`: those initiated in
    /// the last `lookbackDays` or later (a contact's moments lie within days of its start, but
    /// for a ScheduledTimestamp). Pages through the store's listing, a page at a time.
    func watchStored(_ store: ContactStore, instances: [String], now: Instant, lookbackDays: Int64 = 7) {
        let from = now.millisecondsSinceEpoch - lookbackDays * 86_400_000
        for instance in instances {
            var after: (String, Int64, String) = (instance, from, "")
            while true {
                let page: [ContactStore.ListedContact]
                do { page = try store.list(instanceId: instance, after: after, limit: 1000) } catch {
                    logger.error("reading contacts to watch for events failed: \(error)")
                    return
                }
                for c in page { watch(document: c.document, instanceId: c.instanceId, contactId: c.contactId, after: now) }
                guard let last = page.last, page.count == 1000 else { break }
                after = (last.instanceId, last.initiation.millisecondsSinceEpoch, last.contactId)
            }
        }
    }

    /// Watches one contact's moments after `after`.
    private func watch(document: [UInt8], instanceId: String, contactId: String, after: Instant) {
        guard let timeline = try? ContactTimeline(bytes: document), let next = timeline.nextMoment(after: after) else { return }
        lock.withLock { watched[Self.key(instanceId, contactId)] = Watched(instanceId: instanceId, contactId: contactId, next: next, since: after) }
    }

    /// A contact written through an operation or the mock API at `now`: the events of its
    /// moments at or before now are made now (`fromMoments`; a contact created whole in the past
    /// gives its history at once), `extra` events (StopContact's DISCONNECTED, an attribute
    /// update) after them, and its later moments are watched.
    func written(document: [UInt8], instanceId: String, contactId: String, now: Instant, fromMoments: Bool,
                 extra: (ContactEvents) -> [ContactEvent] = { _ in [] }) {
        guard let events = try? ContactEvents(bytes: document) else { return }
        var made = fromMoments ? events.planned.filter { $0.moment <= now }.map { events.event($0.type, at: $0.moment, updatedProperties: $0.updatedProperties) } : []
        made += extra(events)
        lock.withLock {
            if let next = events.timeline.nextMoment(after: now) {
                watched[Self.key(instanceId, contactId)] = Watched(instanceId: instanceId, contactId: contactId, next: next, since: now)
            } else {
                watched[Self.key(instanceId, contactId)] = nil
            }
            feed.append(made.sorted(by: ContactEvent.precedes))
        }
    }

    /// A contact deleted: nothing more of it.
    func forget(instanceId: String, contactId: String) {
        lock.withLock { watched[Self.key(instanceId, contactId)] = nil }
    }

    /// Makes every event of a watched contact in (`through`, `t`], in time order, then contact,
    /// then event type. A clock moved back makes nothing and passes nothing again.
    func advance(to t: Instant, store: ContactStore) {
        lock.withLock {
            guard t > through else {
                through = min(through, t)
                return
            }
            var made: [ContactEvent] = []
            for (key, w) in watched where w.next <= t {
                let stored: ContactStore.StoredContact?
                do { stored = try store.lookup(instanceId: w.instanceId, contactId: w.contactId) } catch {
                    logger.error("reading a watched contact failed: \(error)")
                    continue
                }
                guard let stored, let events = try? ContactEvents(bytes: stored.document) else {
                    watched[key] = nil
                    continue
                }
                made += events.between(after: max(through, w.since), through: t)
                if let next = events.timeline.nextMoment(after: t) { watched[key]?.next = next } else { watched[key] = nil }
            }
            through = t
            feed.append(made.sorted(by: ContactEvent.precedes))
        }
    }

    var watchedCount: Int { lock.withLock { watched.count } }
}

extension MockState {
    /// After a start, a seed or a reset: events from now on only, for the contacts whose
    /// moments lie ahead.
    func watchContactsAhead(_ store: ContactStore) {
        let now = clock.now()
        events.restart(at: now)
        events.watchStored(store, instances: config.instances.map(\.id), now: now)
    }
}
