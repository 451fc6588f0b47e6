import ChooCore

extension Event {
    /// The event's details when they are a `Details` (e.g. `Event.UnitBlocked`), else `nil`.
    package func details<Details>(_ type: Details.Type) -> Details? {
        payload.details as? Details
    }
}
