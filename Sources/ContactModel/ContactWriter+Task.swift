import JSON
import Timekeeping

/// A task's template and details, and the cases a task or an email is linked to.
extension ContactWriter {
    func taskDetails(_ f: inout ObjectWriter<ContactShapes.Contact>, _ traits: Traits, rng: inout SeededGenerator) {
        if traits.task {
            f.object(.taskTemplateInfo) { i in
                i.string(.arn, "\(arnPrefix)/task-template/\(rng.uuid())")
                i.string(.name, rng.pick(["Refund review", "Callback", "Address verification"]))
            }
        }
        if traits.task || traits.email, rng.chance(0.3) { f.member(.cases) { cases(rng: &rng) } }
        if traits.task {
            if rng.chance(0.5) {
                f.object(.contactDetails) { d in
                    d.string(.name, "Refund review")
                    d.string(.description, "Check the refund for order \(rng.int(1000...9999)).")
                }
            }
        }
    }

    /// Cases linked to a task or an email (Amazon Connect Cases): a case id and its reference.
    func cases(rng: inout SeededGenerator) {
        let json = self.json
        json.beginArray()
        for _ in 1...rng.int(1...2) {
            object(ContactShapes.CaseEntry.self) { e in
                e.string(.caseId, rng.uuid())
                e.string(.caseReferenceNumber, String(rng.int(10_000_000...99_999_999)))
            }
        }
        json.endArray()
    }
}
