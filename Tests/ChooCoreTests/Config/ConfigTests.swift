import Testing

/// The tests of the Config component, grouped so `swift test --filter ConfigTests` runs all of them.
@Suite struct ConfigTests {}
