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

    /// Contacts the mock API wrote whole at `now` (a bulk upsert, a directory load): each makes
    /// the events of its past moments and is watched for its later ones.
    func written(_ records: [ContactRecord], now: Instant) {
        for r in records { written(document: r.document, instanceId: r.instanceId, contactId: r.contactId, now: now, fromMoments: true) }
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
    ///
    /// In two passes: the first reads each due contact and keeps only what its events are (ids,
    /// moment, type); after sorting, the second reads each contact once more and renders its
    /// events into their places, only those someone will see (the feed's last `retain` when no
    /// webhook listens), and the feed takes them in order a batch at a time.
    func advance(to t: Instant, store: ContactStore) {
        lock.withLock {
            guard t > through else {
                through = min(through, t)
                return
            }
            var due: [Due] = []
            for (key, w) in watched where w.next <= t {
                guard let events = read(w.instanceId, w.contactId, store) else {
                    watched[key] = nil
                    continue
                }
                let since = max(through, w.since)
                for p in events.planned where since < p.moment && p.moment <= t {
                    due.append(Due(instanceId: w.instanceId, contactId: w.contactId, planned: p))
                }
                if let next = events.timeline.nextMoment(after: t) { watched[key]?.next = next } else { watched[key] = nil }
            }
            through = t
            due.sort(by: Due.precedes)
            let unseen = feed.unseen(of: due.count)
            feed.skip(unseen)
            // Each contact's document is read and parsed once more, and all its events rendered
            // then, into their places in the sorted order.
            var byContact: [String: [Int]] = [:]
            for k in unseen..<due.count { byContact[Self.key(due[k].instanceId, due[k].contactId), default: []].append(k) }
            var rendered = [ContactEvent?](repeating: nil, count: due.count)
            for positions in byContact.values {
                let first = due[positions[0]]
                guard let events = read(first.instanceId, first.contactId, store) else { continue }
                for k in positions {
                    let p = due[k].planned
                    rendered[k] = events.event(p.type, at: p.moment, updatedProperties: p.updatedProperties)
                }
            }
            var batch: [ContactEvent] = []
            for k in unseen..<due.count {
                guard let e = rendered[k] else { continue }
                rendered[k] = nil
                batch.append(e)
                if batch.count == 1024 {
                    feed.append(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            feed.append(batch)
        }
    }

    /// An event to make: whose, when and what, without the document.
    private struct Due {
        var instanceId: String
        var contactId: String
        var planned: ContactEvents.Planned

        static func precedes(_ a: Due, _ b: Due) -> Bool {
            ContactEvent.order(a.planned.moment, a.contactId, a.planned.type, a.planned.updatedProperties,
                               before: b.planned.moment, b.contactId, b.planned.type, b.planned.updatedProperties)
        }
    }

    private func read(_ instanceId: String, _ contactId: String, _ store: ContactStore) -> ContactEvents? {
        do {
            guard let stored = try store.lookup(instanceId: instanceId, contactId: contactId) else { return nil }
            return try ContactEvents(bytes: stored.document)
        } catch {
            logger.error("reading a watched contact failed: \(error)")
            return nil
        }
    }

}

extension MockState {
    /// After a start, a seed or a reset: events from now on only, for the contacts whose
    /// moments lie ahead.
    ///
    /// `inBackground` (at start, with a database file): on a thread of its own with its own
    /// connection, so that reading the recent contacts (each synthetic one made from its
    /// recipe) does not delay the first answer; a moment passed before it is done is made by the
    /// next advance, since watching starts from `now`.
    func watchContactsAhead(_ store: ContactStore, inBackground: Bool = false) {
        let now = clock.now()
        events.restart(at: now)
        let instances = config.instances.map(\.id)
        guard inBackground else {
            events.watchStored(store, instances: instances, now: now)
            return
        }
        let path = config.databasePath
        startBackgroundThread { [self] in
            do {
                events.watchStored(try ContactStore(path: path, readOnly: true), instances: instances, now: now)
            } catch {
                logger.error("reading the contacts to watch for events failed: \(error)")
            }
        }
    }
}
