package dev.flotilla.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flotilla lb}: a health-checking load balancer in front of one service's backends. The flags only; the
 * balancer (Netty, the store, Micrometer) is loaded by {@link LbLauncher} when the command runs, so that picocli's
 * reflection over every command at start-up loads none of it.
 */
@Command(name = "lb", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        header = "Balance HTTP requests or TCP connections over a service's healthy backends.",
        description = {"Sends each HTTP request (--mode http) or TCP connection (--mode tcp, e.g.",
                "MySQL) to a backend that its source lists as passing AND that passes the",
                "balancer's own check: a TCP connect, or GET --check-path expecting 2xx, every",
                "--check-interval. Backends follow the source live. A backend refusing a",
                "connection is ejected until its next passing check; an idempotent request",
                "(GET HEAD PUT DELETE OPTIONS) broken before any response byte is retried once",
                "on another backend. With no backend left, the client gets a plain-text 502.",
                "",
                "Sources (--source):",
                "  registry          (default) the endpoints units register with",
                "                    [X-Service] Name=SERVICE, passing ones in rotation,",
                "                    pushed live: over etcd with --etcd, else through an",
                "                    agent's API (--endpoint, else $FLOTILLA_ENDPOINT,",
                "                    else http://127.0.0.1:7070).",
                "  keys[:PREFIX]     PREFIX/NAME/public_ipv4_addr (or host) and",
                "                    PREFIX/NAME/port, PREFIX defaulting to",
                "                    /services/SERVICE: watched in etcd with --etcd, else",
                "                    listed through an agent's API every interval.",
                "  static:H:P[,H:P]  a fixed list.",
                "",
                "Prints 'Listening on http://ADDR:PORT (http mode, N backends)' once ready",
                "(N: backends passing), then runs until SIGTERM or Ctrl-C. With",
                "--sync-haproxy SOCKET --backend NAME it keeps a real HAProxy's backend in",
                "step instead (or as well, with --listen): passing backends added, others",
                "drained and deleted.",
                "See docs/load-balancer.md.",
                ""},
        footer = {"", "Examples:",
                "  flotilla lb --service web --listen 0.0.0.0:80 --check-path /health \\",
                "      --admin 127.0.0.1:9090",
                "  flotilla lb --service web --listen 0.0.0.0:80 --source keys \\",
                "      --etcd http://127.0.0.1:2379",
                "  flotilla lb --service db --listen 127.0.0.1:3306 --mode tcp \\",
                "      --source static:10.0.0.5:3306,10.0.0.6:3306",
                "  curl -s http://127.0.0.1:9090/lb/status",
                "  flotilla lb --service web --sync-haproxy /run/haproxy/admin.sock \\",
                "      --backend web"})
final class LbCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--service", required = true, paramLabel = "NAME",
            description = "The service balanced: the registry's service name; also names the metrics, the status "
                    + "and the keys source's default prefix.")
    String service;

    @Option(names = "--listen", paramLabel = "ADDR:PORT",
            description = "Where clients connect, e.g. 0.0.0.0:80 or 127.0.0.1:8080. Required unless --sync-haproxy "
                    + "is given (then the balancer only keeps HAProxy in step, unless --listen is given too).")
    String listen;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "http",
            description = "http (per-request balancing over keep-alive, retries) or tcp (bytes spliced both ways). "
                    + "Default: ${DEFAULT-VALUE}.")
    String mode;

    @Option(names = "--balance", paramLabel = "POLICY", defaultValue = "round-robin",
            description = "round-robin (in turn) or least-conn (fewest requests or connections in flight). "
                    + "Default: ${DEFAULT-VALUE}.")
    String balance;

    @Option(names = "--check-path", paramLabel = "PATH",
            description = "Check each backend with GET PATH (2xx passes); without it, a TCP connect is the check.")
    String checkPath;

    @Option(names = "--check-sha1", paramLabel = "DIGEST",
            description = "With --check-path: the check passes only when the body's SHA-1 is DIGEST (40 hex digits).")
    String checkSha1;

    @Option(names = "--check-interval", paramLabel = "SPAN", defaultValue = "2s",
            description = "How often each backend is checked (and the keys are listed over the API), e.g. 500ms, 2s, 1m. "
                    + "Default: ${DEFAULT-VALUE}.")
    String checkInterval;

    @Option(names = "--source", paramLabel = "SOURCE", defaultValue = "registry",
            description = "Where the backends come from: registry (the service's registered endpoints), keys[:PREFIX] "
                    + "or static:HOST:PORT[,HOST:PORT...]. Default: ${DEFAULT-VALUE}.")
    String source;

    @Option(names = "--threads", paramLabel = "N",
            description = "Event loop threads serving connections. Default: one per available processor.")
    Integer threads;

    @Option(names = "--admin", paramLabel = "ADDR:PORT",
            description = "Serve GET /lb/status (JSON) and GET /metrics (Prometheus) here. Default: no admin server.")
    String admin;

    @Option(names = "--sync-haproxy", paramLabel = "SOCKET",
            description = "Keep an HAProxy backend's servers in step with the passing backends, through HAProxy's "
                    + "Runtime API at this unix socket (stats socket ... level admin). See docs/haproxy-sync.md.")
    String syncHaproxy;

    @Option(names = "--backend", paramLabel = "NAME",
            description = "With --sync-haproxy: the HAProxy backend whose servers follow the service.")
    String haproxyBackend;

    @Mixin
    EtcdOptions etcd;

    @Mixin
    ApiOptions api;

    @Mixin
    LogOptions log;

    @Override
    public Integer call() {
        return LbLauncher.run(this, spec.commandLine().getOut());
    }
}
