import Foundation

/// Encodes report values as the stable JSON choo prints for `--json`: snake_case keys (declared on
/// each type), sorted keys, two-space indentation.
public enum JSONOutput {
    /// The JSON text of `value`, ending with a newline.
    public static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
