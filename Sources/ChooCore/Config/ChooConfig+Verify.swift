extension ChooConfig {
    /// `verify`: what choo checks of an agent's turn beyond the task's own check.
    public struct VerifySettings: Sendable, Equatable {
        /// `verify.agent_may_edit_specs`: whether the agent may change the spec tree (checks,
        /// dependencies, task files, other units). Off by default: the agent may change only the
        /// `status:` of its own unit's task files, and choo undoes anything else.
        public var agentMayEditSpecs: Bool
        /// `verify.conflict_markers`: where a turn that leaves conflict markers fails.
        public var conflictMarkers: ConflictMarkerCheck

        /// Creates the settings with choo's defaults.
        public init(agentMayEditSpecs: Bool = false, conflictMarkers: ConflictMarkerCheck = .everywhere) {
            self.agentMayEditSpecs = agentMayEditSpecs
            self.conflictMarkers = conflictMarkers
        }
    }

    /// Which files a turn changed are searched for conflict markers.
    public enum ConflictMarkerCheck: Sendable, Equatable {
        /// None: `verify.conflict_markers: false`.
        case off
        /// Every file the turn changed: `true`, the default.
        case everywhere
        /// Files matching one of these globs (as `baseline_checks` patterns match).
        case paths([String])
    }
}
