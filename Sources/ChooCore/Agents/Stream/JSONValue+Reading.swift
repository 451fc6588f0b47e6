import Foundation

/// Reading fields out of a decoded JSON value without a schema: every accessor answers `nil` for
/// a missing field or one of another type.
extension JSONValue {
    /// The JSON text of one line, or `nil` when it is not a JSON object.
    static func object(parsing line: String) -> JSONValue? {
        guard line.first == "{", let value = try? JSONDecoder().decode(JSONValue.self, from: Data(line.utf8)),
            case .object = value
        else { return nil }
        return value
    }

    /// The field `key` of an object.
    subscript(_ key: String) -> JSONValue? {
        guard case .object(let fields) = self else { return nil }
        return fields[key]
    }

    /// The value as a string.
    var string: String? {
        guard case .string(let value) = self else { return nil }
        return value
    }

    /// The value as a whole number (a JSON number without fraction).
    var int: Int? {
        switch self {
        case .int(let value): value
        case .double(let value) where value.rounded() == value && abs(value) < 9e15: Int(value)
        default: nil
        }
    }

    /// The value as a number.
    var double: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// The value as a boolean.
    var bool: Bool? {
        guard case .bool(let value) = self else { return nil }
        return value
    }

    /// The value's elements, when it is an array.
    var array: [JSONValue]? {
        guard case .array(let values) = self else { return nil }
        return values
    }
}
