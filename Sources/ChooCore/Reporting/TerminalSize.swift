#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How many columns (and rows, when known) a terminal has, read afresh each time it is asked so a
/// resized window is followed.
public struct TerminalSize: Sendable, Hashable {
    /// The width in characters.
    public var columns: Int
    /// The height in lines, `nil` when neither the terminal nor the environment says.
    public var rows: Int?

    /// Creates a size.
    public init(columns: Int, rows: Int?) {
        self.columns = columns
        self.rows = rows
    }

    /// The size of the terminal `descriptor` writes to, as it reports it (`TIOCGWINSZ`); else
    /// `COLUMNS` and `LINES` from `environment`; else 80 columns of unknown height.
    public static func of(_ descriptor: Int32, environment: [String: String]) -> TerminalSize {
        var size = winsize()
        let reported = ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0 ? size : winsize()
        return resolve(columns: Int(reported.ws_col), rows: Int(reported.ws_row), environment: environment)
    }

    /// The size from what a terminal reported (0 when it did not say), falling back to the
    /// environment, then to 80 columns.
    static func resolve(columns: Int, rows: Int, environment: [String: String]) -> TerminalSize {
        func variable(_ name: String) -> Int? { environment[name].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } }
        return TerminalSize(
            columns: columns > 0 ? columns : variable("COLUMNS") ?? 80,
            rows: rows > 0 ? rows : variable("LINES")
        )
    }
}
