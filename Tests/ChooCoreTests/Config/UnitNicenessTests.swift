import ChooCore
import Testing

extension ConfigTests {
    /// `unit_niceness`: how much lower the CPU priority of units' work is than the merge queue's.
    struct UnitNicenessTests {
        @Test("defaults to 10; any whole number from 0 to 19 is taken")
        func values() throws {
            #expect(ChooConfig.defaults.unitNiceness == 10)
            for value in [0, 5, 19] {
                let load = try loadConfig("unit_niceness: \(value)\n")
                #expect(load.diagnostics.isEmpty, "\(load.diagnostics)")
                #expect(load.config.unitNiceness == value)
            }
        }

        @Test("a value outside 0...19 is an error naming the key, and the default stays")
        func outOfRange() throws {
            for value in ["20", "-1", "high"] {
                let load = try loadConfig("unit_niceness: \(value)\n")
                let rules = load.diagnostics.map(\.rule)
                #expect(rules == [value == "high" ? .configType : .configValue], "\(value): \(load.diagnostics)")
                #expect(load.diagnostics.first?.message.contains("unit_niceness") == true)
                #expect(load.config.unitNiceness == 10)
            }
        }
    }
}
