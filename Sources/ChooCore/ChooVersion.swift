/// choo's version, printed by `choo --version`.
public enum ChooVersion {
    /// The version string.
    public static let current = "0.1.0"
}
