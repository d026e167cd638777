import Logging
import Prometheus
import Synchronization

/// Store outages, one episode at a time: the first failure of an episode is logged with its
/// cause, the rest only counted (`rights_store_unavailable_total`); the first write that
/// succeeds after it (or a passing `/readyz`) ends it. `rights_store_available` is 0 during one.
final class OutageMonitor: Sendable {
    private let current = Mutex<String?>(nil)
    private let metrics: PrometheusCollectorRegistry
    private let available: Gauge

    init(metrics: PrometheusCollectorRegistry) {
        self.metrics = metrics
        available = metrics.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "rights_store_available", unitName: "",
                helpText: "1 while the store takes writes, 0 during an outage"))
        available.set(Int64(1))
    }

    func failed(_ problem: Problem, logger: Logger) {
        metrics.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "rights_store_unavailable", unitName: "total",
                helpText: "Requests answered 503 because the store could not be used, by code"),
            labels: [("code", problem.code)]
        ).increment()
        let begins = current.withLock { code in
            defer { code = problem.code }
            return code == nil
        }
        guard begins else { return }
        available.set(Int64(0))
        logger.error(
            "store unavailable: answering 503", metadata: ["code": "\(problem.code)", "cause": "\(problem.detail)"])
    }

    func succeeded(logger: Logger) {
        guard
            let ended = current.withLock({ code in
                defer { code = nil }
                return code
            })
        else { return }
        available.set(Int64(1))
        logger.notice("store available again", metadata: ["code": "\(ended)"])
    }
}
