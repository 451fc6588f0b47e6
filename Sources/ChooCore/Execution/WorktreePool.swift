import Foundation
import Synchronization

/// Landed units' worktree folders waiting to be recycled (`worktree.reuse`), under
/// `<worktree base>/.pool/`. Each is a worktree git knows, with its HEAD detached at a commit on
/// the target and nothing else in it, so a killed run leaves nothing that looks like work; the next
/// run finds them on disk and takes or fills the pool from there. A folder is handed to one unit
/// at most: taking it removes it from the pool. A unit that needs a worktree while a landed unit's
/// folder is on its way to the pool (``expect(_:)``, until ``settle(_:)``) waits for it.
public final class WorktreePool: Sendable {
    private struct State {
        /// Pooled folders, by absolute path; `nil` until the pool folder was first read.
        var folders: [String]?
        /// Places held for folders being put in the pool.
        var reserved = 0
        /// Units whose worktree is a recycled folder.
        var recycled: Set<String> = []
        /// Landed units whose folder may come to the pool.
        var expected: Set<String> = []
        /// Takers waiting for an expected folder.
        var waiting: [UUID: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// An empty pool; what earlier runs left is read on first use.
    public init() {}

    /// The name of the pool's folder under the worktree base.
    public static let folderName = ".pool"

    /// Takes a pooled folder, reading `folder` the first time; while none waits but a landed unit's
    /// folder may come, waits for it (a cancelled task stops waiting). `nil` when none comes.
    func take(listing folder: String, files: any FileAccess) async -> String? {
        while true {
            enum Look {
                case taken(String)
                case none
                case wait
            }
            let look = state.withLock { state -> Look in
                if state.folders == nil { state.folders = Self.read(folder, files: files) }
                if let first = state.folders?.first {
                    state.folders?.removeFirst()
                    return .taken(first)
                }
                return state.expected.isEmpty || Task.isCancelled ? .none : .wait
            }
            switch look {
            case .taken(let path): return path
            case .none: return nil
            case .wait: await waitForChange()
            }
        }
    }

    /// Waits until an expected folder settles, or the task is cancelled.
    private func waitForChange() async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    guard state.folders?.isEmpty != false, !state.expected.isEmpty, !Task.isCancelled else {
                        return true
                    }
                    state.waiting[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiting.removeValue(forKey: id) }?.resume()
        }
    }

    /// Records that `unit` landed and its folder may come to the pool: takers wait for it.
    func expect(_ unit: String) { _ = state.withLock { $0.expected.insert(unit) } }

    /// Records that `unit`'s folder came to the pool or will not: takers waiting look again.
    func settle(_ unit: String) {
        let waiting = state.withLock { state in
            state.expected.remove(unit)
            defer { state.waiting = [:] }
            return Array(state.waiting.values)
        }
        for taker in waiting { taker.resume() }
    }

    /// Holds a place for a folder about to be pooled, unless the pool holds `limit` folders (or
    /// places) already, reading `folder` the first time; whether a place is held. A held place is
    /// ended by ``add(_:)`` or ``release()``.
    func reserve(limit: Int, listing folder: String, files: any FileAccess) -> Bool {
        state.withLock { state in
            if state.folders == nil { state.folders = Self.read(folder, files: files) }
            guard (state.folders?.count ?? 0) + state.reserved < limit else { return false }
            state.reserved += 1
            return true
        }
    }

    /// Adds `path` to the pool, in the place held for it.
    func add(_ path: String) {
        state.withLock { state in
            state.reserved = max(0, state.reserved - 1)
            state.folders = (state.folders ?? []) + [path]
        }
    }

    /// Returns a folder taken with ``take(listing:files:)`` and not used.
    func putBack(_ path: String) { state.withLock { $0.folders = [path] + ($0.folders ?? []) } }

    /// Gives up a place held by ``reserve(limit:listing:files:)``: the folder was not pooled.
    func release() { state.withLock { $0.reserved = max(0, $0.reserved - 1) } }

    /// Records that `unit`'s worktree is a recycled folder.
    func markRecycled(_ unit: String) { _ = state.withLock { $0.recycled.insert(unit) } }

    /// Whether `unit`'s worktree is a recycled folder.
    func isRecycled(_ unit: String) -> Bool { state.withLock { $0.recycled.contains(unit) } }

    /// The folders in the pool now (for tests).
    var count: Int { state.withLock { $0.folders?.count ?? 0 } }

    private static func read(_ folder: String, files: any FileAccess) -> [String] {
        ((try? files.names(in: folder)) ?? []).sorted().map { folder + "/" + $0 }
            .filter { files.exists($0 + "/.git") }
    }
}
