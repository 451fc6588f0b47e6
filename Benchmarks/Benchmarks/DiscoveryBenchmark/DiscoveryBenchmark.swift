import Benchmark
import ChooCore
import SpecTreeGenerator

/// Discovery (reading every unit folder and file, parsing the frontmatter) plus validation (the
/// cross-file rules), on synthetic trees of 1,000 and 10,000 units of 10 tasks each: the work of
/// `choo validate` without process start-up, `.choo.yaml` and printing.
///
/// Each tree is written once into a temporary folder before the measured iterations and deleted
/// after them; only `SpecLoader.load` and `SpecValidator.validate` are measured.
let benchmarks: @Sendable () -> Void = {
    discoveryAndValidation(units: 1_000, name: "Discovery+validation 1,000 units", maxIterations: 20)
    discoveryAndValidation(units: 10_000, name: "Discovery+validation 10,000 units", maxIterations: 5)
}

/// The metrics the goals in docs/PERFORMANCE.md are about, plus allocations as the usual suspect.
let discoveryMetrics: [BenchmarkMetric] = [
    .wallClock,
    .cpuTotal,
    .peakMemoryResident,
    .mallocCountTotal,
]

/// Registers one benchmark that loads and validates a generated tree of `units` units.
func discoveryAndValidation(units: Int, name: String, maxIterations: Int) {
    let fixture = SpecTreeFixture(units: units)
    Benchmark(
        name,
        configuration: .init(
            metrics: discoveryMetrics,
            warmupIterations: 1,
            scalingFactor: .one,
            maxDuration: .seconds(60),
            maxIterations: maxIterations
        )
    ) { benchmark, tree in
        for _ in benchmark.scaledIterations {
            let (unitCount, hasErrors) = SpecTreeFixture.loadAndValidate(tree)
            blackHole(unitCount)
            blackHole(hasErrors)
        }
    } setup: {
        try fixture.create()
    } teardown: {
        fixture.remove()
    }
}
