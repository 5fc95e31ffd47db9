package dev.flotilla.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything that makes one etcd member: its name, directory, loopback ports and cluster. The
 * same spec restarts the member on the same ports and data.
 *
 * @param tls TLS for the client port, or null for plain HTTP
 */
record MemberSpec(String name, Path dir, int clientPort, int peerPort, int metricsPort, String initialCluster,
                  String clusterToken, EtcdTls tls) {

    /**
     * Heartbeat and election timeout (ms). etcd's defaults (100/1000) make a start wait up to a
     * second for the first election. A lone member has nobody to hold elections against, so it
     * gets 10/100; cluster members get 50/500, still well above loopback latency on a busy host.
     * (etcd's lease TTL minimum is 1.5 election timeouts: 1 s for both, after rounding.)
     */
    private static final List<String> SINGLE_TIMING = List.of("--heartbeat-interval", "10", "--election-timeout", "100");
    private static final List<String> CLUSTER_TIMING = List.of("--heartbeat-interval", "50", "--election-timeout", "500");

    String clientUrl() {
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + clientPort;
    }

    String peerUrl() {
        return "http://127.0.0.1:" + peerPort;
    }

    /** Plain-HTTP health endpoint, served even when the client port uses TLS. */
    String healthUrl() {
        return "http://127.0.0.1:" + metricsPort + "/health";
    }

    Path dataDir() {
        return dir.resolve("data");
    }

    Path logFile() {
        return dir.resolve("etcd.log");
    }

    List<String> command(Path binary) {
        List<String> command = new ArrayList<>(List.of(
                binary.toString(),
                "--name", name,
                "--data-dir", dataDir().toString(),
                "--listen-client-urls", clientUrl(),
                "--advertise-client-urls", clientUrl(),
                "--listen-peer-urls", peerUrl(),
                "--initial-advertise-peer-urls", peerUrl(),
                "--listen-metrics-urls", "http://127.0.0.1:" + metricsPort,
                "--initial-cluster", initialCluster,
                "--initial-cluster-state", "new",
                "--initial-cluster-token", clusterToken,
                "--snapshot-count", "10000",
                "--quota-backend-bytes", Long.toString(256L << 20),
                "--max-wals", "2",
                "--max-snapshots", "2",
                "--logger", "zap",
                "--log-outputs", "stderr",
                "--log-level", "warn"));
        command.addAll(initialCluster.contains(",") ? CLUSTER_TIMING : SINGLE_TIMING);
        if (tls != null) {
            command.addAll(List.of(
                    "--cert-file", tls.certFile().toAbsolutePath().toString(),
                    "--key-file", tls.keyFile().toAbsolutePath().toString(),
                    "--trusted-ca-file", tls.caFile().toAbsolutePath().toString()));
            if (tls.clientCertAuth()) {
                command.add("--client-cert-auth"); // a Go bool flag: "--flag false" would not parse
            }
        }
        return command;
    }
}
