package dev.flotilla.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import dev.flotilla.agent.AgentConfig;
import dev.flotilla.api.ApiToken;
import dev.flotilla.api.TlsFiles;
import dev.flotilla.daemon.DaemonStartException;
import dev.flotilla.daemon.DevCluster;
import dev.flotilla.daemon.MachineDaemon;
import dev.flotilla.server.ApiSettings;
import dev.flotilla.server.ApiTls;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.StoreException;

/**
 * Runs {@code agent} and {@code dev}: builds the machine(s), prints where the API is, and waits for
 * Ctrl-C or SIGTERM. Loaded only by those two commands, so the fleet commands stay lean.
 */
final class DaemonLauncher {

    static final int DEFAULT_API_PORT = 7070;

    private DaemonLauncher() {
    }

    static int runAgent(AgentCommand options) {
        quietLibraries();
        logFormat(options.log.chosen());
        Map<String, String> metadata = parseMetadata(options.metadata);
        if (options.leaseTtlSeconds < 1 || options.leaseTtlSeconds > 600) {
            throw new CliException(ExitCodes.USAGE, "--lease-ttl must be between 1 and 600 seconds; got "
                    + options.leaseTtlSeconds);
        }
        Optional<ApiToken> token = token(options.serve);
        Optional<ApiTls> tls = tls(options.serve);
        // Default: the machine's own address when that is a loopback one (dev clusters on 127.0.0.x, several
        // agents per host) or when a token protects the API; else loopback only.
        String apiHost = loopback(options.ip, "--ip " + options.ip) || token.isPresent() ? options.ip : "127.0.0.1";
        int apiPort = DEFAULT_API_PORT;
        if (options.api != null) {
            int colon = options.api.lastIndexOf(':');
            if (colon <= 0) {
                throw new CliException(ExitCodes.USAGE, "--api must be ADDR:PORT, e.g. " + options.ip + ":"
                        + DEFAULT_API_PORT + "; got '" + options.api + "'");
            }
            apiHost = options.api.substring(0, colon).replaceAll("^\\[(.*)\\]$", "$1");
            apiPort = port(options.api.substring(colon + 1), "--api");
        }
        boolean loopback = loopback(apiHost, "--api " + options.api);
        if (!loopback && token.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "--api " + options.api + " is not a loopback address, and an API "
                    + "other machines reach needs a token: pass --token-file FILE or set FLOTILLA_TOKEN, or serve it on "
                    + "127.0.0.1 (docs/security.md)");
        }
        Path dataDir = options.dataDir != null ? options.dataDir : defaultDataDir();
        KvStore store;
        try {
            store = KvOperations.open(options.etcd);
        } catch (StoreException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
        AgentConfig config = AgentConfig.of(store, dataDir, options.ip).withMetadata(metadata)
                .withLeaseTtl(Duration.ofSeconds(options.leaseTtlSeconds));
        MachineDaemon daemon;
        try {
            daemon = MachineDaemon.start(config, ApiSettings.on(apiHost, apiPort).withToken(token).withTls(tls));
        } catch (DaemonStartException e) {
            store.close();
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
        LogFields.processMachine(daemon.machineId().value());
        PrintStream out = System.out;
        out.println("Machine: " + daemon.machineId().value() + " (" + options.ip + ")");
        out.println("API: " + daemon.apiUrl());
        out.flush();
        if (loopback && !loopback(options.ip, "--ip " + options.ip)) {
            System.err.println("flotilla agent: the API listens on loopback only, so other machines cannot forward "
                    + "status and journal requests to it; serve it with --api ADDR:PORT and a token (docs/security.md)");
            System.err.flush();
        }
        awaitShutdown(() -> {
            daemon.close();
            store.close();
        });
        return ExitCodes.OK;
    }

    static int runDev(DevCommand options) {
        quietLibraries();
        logFormat(options.log.chosen());
        if (options.machines < 1 || options.machines > DevCluster.MAX_MACHINES) {
            throw new CliException(ExitCodes.USAGE, "--machines must be between 1 and " + DevCluster.MAX_MACHINES
                    + "; got " + options.machines);
        }
        port(Integer.toString(options.apiPort), "--api-port");
        Optional<ApiToken> token = token(options.serve);
        Optional<ApiTls> tls = tls(options.serve);
        DevCluster cluster;
        try {
            Files.createDirectories(options.dataDir);
            cluster = DevCluster.start(options.machines, options.dataDir,
                    ApiSettings.on("127.0.0.1", options.apiPort).withToken(token).withTls(tls), options.firstIp);
            if (!cluster.awaitJoined(Duration.ofSeconds(30))) {
                cluster.close();
                throw new CliException(ExitCodes.INTERNAL, "the machines did not join within 30 s");
            }
        } catch (DaemonStartException | IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot use --data-dir " + options.dataDir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.INTERNAL;
        }
        PrintStream out = System.out;
        for (MachineDaemon machine : cluster.machines()) {
            out.println("API: " + machine.apiUrl());
        }
        out.println("Dev cluster of " + options.machines + " machines is up. Try:");
        out.println("  export FLOTILLA_ENDPOINT=" + cluster.machines().getFirst().apiUrl());
        if (options.serve.tokenFile != null) {
            out.println("  export FLOTILLA_TOKEN=\"$(cat " + options.serve.tokenFile.toAbsolutePath() + ")\"");
        }
        tls.flatMap(ApiTls::trustedForPeers)
                .ifPresent(ca -> out.println("  export FLOTILLA_CA_FILE=" + ca.toAbsolutePath()));
        out.println("  bin/flotilla list-machines");
        if (options.machines > 1) {
            out.println("  bin/flotilla dev stop-machine " + options.machines + "    # as if it were lost; then start-machine "
                    + options.machines);
        }
        out.println("Ctrl-C stops every unit and every machine.");
        out.flush();
        awaitShutdown(cluster::close);
        return ExitCodes.OK;
    }

    /** Blocks until the JVM is asked to stop, then runs {@code stop} before it exits. */
    static void awaitShutdown(Runnable stop) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stop.run();
            } finally {
                stopped.countDown();
            }
        }, "flotilla-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The API token: {@code --token-file}, else {@code $FLOTILLA_TOKEN}, else none. */
    private static Optional<ApiToken> token(ServeOptions serve) {
        try {
            if (serve.tokenFile != null) {
                return Optional.of(ApiToken.read(serve.tokenFile));
            }
            String env = System.getenv("FLOTILLA_TOKEN");
            return env == null ? Optional.empty() : Optional.of(ApiToken.of(env, "$FLOTILLA_TOKEN"));
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
    }

    /** The API's TLS from the {@code --tls-*} flags, checked now (every file read), so that a bad one fails fast. */
    private static Optional<ApiTls> tls(ServeOptions serve) {
        if (serve.certFile == null && serve.keyFile == null) {
            if (serve.clientCaFile != null || serve.peerCaFile != null) {
                throw new CliException(ExitCodes.USAGE, (serve.clientCaFile != null ? "--tls-client-ca-file"
                        : "--tls-peer-ca-file") + " needs --tls-cert-file and --tls-key-file (the API's own certificate)");
            }
            return Optional.empty();
        }
        if (serve.certFile == null || serve.keyFile == null) {
            throw new CliException(ExitCodes.USAGE, serve.certFile == null ? "--tls-key-file needs --tls-cert-file"
                    : "--tls-cert-file needs --tls-key-file");
        }
        ApiTls tls = ApiTls.of(serve.certFile, serve.keyFile);
        if (serve.clientCaFile != null) {
            tls = tls.withClientCa(serve.clientCaFile);
        }
        if (serve.peerCaFile != null) {
            tls = tls.withPeerCa(serve.peerCaFile);
        }
        try {
            TlsFiles.context(tls.certFile(), tls.keyFile(), tls.clientCaFile().orElse(null));
            tls.peerCaFile().ifPresent(ca -> TlsFiles.context(null, null, ca));
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
        return Optional.of(tls);
    }

    private static boolean loopback(String host, String what) {
        try {
            return ApiSettings.isLoopback(host);
        } catch (java.net.UnknownHostException e) {
            throw new CliException(ExitCodes.USAGE, what + ": unknown host " + host);
        }
    }

    private static Map<String, String> parseMetadata(List<String> pairs) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (pairs == null) {
            return metadata;
        }
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new CliException(ExitCodes.USAGE, "--metadata takes KEY=VALUE pairs separated by commas; got '"
                        + pair + "'");
            }
            metadata.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return metadata;
    }

    static int port(String text, String option) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new CliException(ExitCodes.USAGE, option + " needs a port between 0 and 65535; got '" + text + "'");
    }

    private static Path defaultDataDir() {
        boolean root = "root".equals(System.getProperty("user.name"));
        return root ? Path.of("/var/lib/flotilla") : Path.of(System.getProperty("user.home"), ".flotilla", "agent");
    }

    /**
     * Writes the log in {@code format}: {@code text} is logback.xml's pattern; {@code logfmt} and {@code json} swap
     * the stderr appender's layout for {@link LogfmtLayout} or {@link JsonLogLayout}. Before anything logs.
     */
    static void logFormat(String format) {
        if (format.equals("text")) {
            return;
        }
        ch.qos.logback.classic.LoggerContext context =
                (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        ch.qos.logback.core.LayoutBase<ch.qos.logback.classic.spi.ILoggingEvent> layout =
                format.equals("json") ? new JsonLogLayout() : new LogfmtLayout();
        layout.setContext(context);
        layout.start();
        ch.qos.logback.core.encoder.LayoutWrappingEncoder<ch.qos.logback.classic.spi.ILoggingEvent> encoder =
                new ch.qos.logback.core.encoder.LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.setCharset(java.nio.charset.StandardCharsets.UTF_8);
        encoder.start();
        ch.qos.logback.core.ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent> stderr =
                new ch.qos.logback.core.ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(stderr);
    }

    /** The daemons speak up on warnings (the CLI's default is errors only), unless the user chose a level. */
    static void quietLibraries() {
        if (System.getenv("FLOTILLA_LOG_LEVEL") == null && System.getProperty("FLOTILLA_LOG_LEVEL") == null) {
            System.setProperty("FLOTILLA_LOG_LEVEL", "WARN");
        }
    }
}
