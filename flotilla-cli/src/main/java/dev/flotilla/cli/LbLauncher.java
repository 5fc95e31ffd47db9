package dev.flotilla.cli;

import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import dev.flotilla.api.Unit;
import dev.flotilla.api.UnitOption;
import dev.flotilla.lb.BackendAddress;

import dev.flotilla.lb.BackendSource;
import dev.flotilla.lb.BackendSourceException;
import dev.flotilla.lb.KeysSource;
import dev.flotilla.lb.LbConfig;
import dev.flotilla.lb.LoadBalancer;
import dev.flotilla.lb.RegistrySource;
import dev.flotilla.lb.StaticSource;
import dev.flotilla.lb.haproxy.HaproxyRuntimeException;
import dev.flotilla.lb.haproxy.HaproxySync;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.UnitRecord;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.ServiceSpec;
import dev.flotilla.unit.UnitFile;

import io.netty.util.ResourceLeakDetector;

/**
 * Runs {@code flotilla lb}: turns the flags into an {@link LbConfig} and a {@link BackendSource} (every bad value one
 * line naming its flag), starts the {@link LoadBalancer}, prints the "Listening on" line scripts wait for, and
 * closes everything when the JVM is asked to stop (SIGTERM, Ctrl-C).
 */
final class LbLauncher {

    private LbLauncher() {
    }

    static int run(LbCommand cmd, PrintWriter out) {
        DaemonLauncher.logFormat(cmd.log.chosen());
        // Netty's leak detector samples one buffer in 128 and records stack traces for it: a cost on the request
        // path for a check meant for tests. Off unless -Dio.netty.leakDetection.level asks for a level.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        if ((cmd.syncHaproxy == null) != (cmd.haproxyBackend == null)) {
            throw new CliException(ExitCodes.USAGE, cmd.syncHaproxy == null
                    ? "--backend NAME names the HAProxy backend of --sync-haproxy SOCKET: give both or neither"
                    : "--sync-haproxy " + cmd.syncHaproxy + ": give the HAProxy backend to keep in step with --backend NAME");
        }
        if (cmd.listen == null && cmd.syncHaproxy == null) {
            throw new CliException(ExitCodes.USAGE, "--listen ADDR:PORT is required (unless --sync-haproxy SOCKET "
                    + "--backend NAME: then the balancer only keeps HAProxy in step)");
        }
        if (!ServiceSpec.isValidName(cmd.service)) {
            throw new CliException(ExitCodes.USAGE, "--service: expected a name like web or db-main (lower-case letters, "
                    + "digits and -), got '" + cmd.service + "'");
        }
        if (cmd.listen == null && (cmd.checkPath != null || cmd.checkSha1 != null || cmd.admin != null)) {
            throw new CliException(ExitCodes.USAGE, "--check-path, --check-sha1 and --admin belong to the balancer's own "
                    + "listener (--listen); HAProxy checks its servers itself (its backend's 'option httpchk')");
        }
        HaproxySync sync = cmd.syncHaproxy == null ? null : haproxy(cmd);
        if (cmd.listen == null) {
            return syncOnly(cmd, out, sync);
        }
        LbConfig config = config(cmd);
        KvStore[] store = new KvStore[1];
        BackendSource source = source(cmd, config, store);
        if (sync != null) {
            source = new Tee(source, backends -> apply(sync, backends));
        }
        LoadBalancer lb = new LoadBalancer(config, source);
        try {
            lb.start();
        } catch (BackendSourceException e) {
            closeStore(store[0]);
            closeSync(sync);
            throw sourceFailed(cmd, e);
        } catch (BindException e) {
            closeStore(store[0]);
            closeSync(sync);
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
        InetSocketAddress a = lb.address();
        out.println("Listening on " + config.mode().label() + "://" + hostPort(a) + " (" + config.mode().label()
                + " mode, " + lb.backendsInRotation() + " backends)");
        for (String line : lb.backendLines()) {
            out.println("  " + line);
        }
        if (lb.backendLines().isEmpty()) {
            out.println("  no backends yet: waiting for " + source.describe());
        }
        if (lb.adminAddress() != null) {
            out.println("Admin on http://" + hostPort(lb.adminAddress()) + " (GET /lb/status, GET /metrics)");
        }
        if (sync != null) {
            out.println(syncLine(cmd, sync));
        }
        out.flush();
        announceBackendChanges();
        return runUntilStopped(() -> {
            lb.close();
            closeStore(store[0]);
            closeSync(sync);
        });
    }

    /** {@code --sync-haproxy} without {@code --listen}: the source's backends go to HAProxy only. */
    private static int syncOnly(LbCommand cmd, PrintWriter out, HaproxySync sync) {
        LbConfig config;
        try {
            config = LbConfig.of(cmd.service, new InetSocketAddress("127.0.0.1", 0), LbConfig.Mode.HTTP)
                    .withCheck(null, null, LbConfig.duration("--check-interval", cmd.checkInterval));
        } catch (IllegalArgumentException e) {
            closeSync(sync);
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
        KvStore[] store = new KvStore[1];
        BackendSource source = source(cmd, config, store);
        try {
            source.start(backends -> apply(sync, backends));
        } catch (BackendSourceException e) {
            closeStore(store[0]);
            closeSync(sync);
            throw sourceFailed(cmd, e);
        }
        out.println(syncLine(cmd, sync));
        out.println("  following " + source.describe());
        out.flush();
        announceBackendChanges();
        return runUntilStopped(() -> {
            source.close();
            closeStore(store[0]);
            closeSync(sync);
        });
    }

    private static String syncLine(LbCommand cmd, HaproxySync sync) {
        long servers = sync.servers().stream().filter(s -> s.name().startsWith(HaproxySync.PREFIX)).count();
        return "Syncing HAProxy backend " + cmd.haproxyBackend + " via " + cmd.syncHaproxy + " (" + servers
                + " servers)";
    }

    /** Opens the HAProxy syncer and checks, once, that its socket answers and knows the backend. */
    private static HaproxySync haproxy(LbCommand cmd) {
        HaproxySync sync;
        try {
            sync = new HaproxySync(Path.of(cmd.syncHaproxy), cmd.haproxyBackend);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--backend: " + e.getMessage(), e);
        }
        try {
            sync.servers();
            return sync;
        } catch (HaproxyRuntimeException e) {
            sync.close();
            throw new CliException(ExitCodes.USAGE, "--sync-haproxy " + cmd.syncHaproxy + ": " + e.getMessage(), e);
        }
    }

    private static int runUntilStopped(Runnable shutdown) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                shutdown.run();
            } finally {
                stopped.countDown();
            }
        }, "flotilla-lb-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCodes.OK;
    }

    /** A source whose every report also goes to {@code also} (HAProxy), after the balancer's own listener. */
    private record Tee(BackendSource source, Consumer<List<BackendAddress>> also) implements BackendSource {
        @Override
        public void start(Consumer<List<BackendAddress>> listener) throws BackendSourceException {
            source.start(backends -> {
                listener.accept(backends);
                also.accept(backends);
            });
        }

        @Override
        public String describe() {
            return source.describe();
        }

        @Override
        public void close() {
            source.close();
        }
    }

    private static LbConfig config(LbCommand cmd) {
        try {
            LbConfig config = LbConfig.of(cmd.service, LbConfig.hostPort("--listen", cmd.listen), LbConfig.Mode.parse(cmd.mode))
                    .withBalance(LbConfig.Balance.parse(cmd.balance))
                    .withCheck(cmd.checkPath, cmd.checkSha1, LbConfig.duration("--check-interval", cmd.checkInterval));
            if (cmd.threads != null) {
                config = config.withThreads(cmd.threads);
            }
            return cmd.admin == null ? config : config.withAdmin(LbConfig.hostPort("--admin", cmd.admin));
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
    }

    /** The source {@code --source} names; a source over etcd leaves its open store in {@code store[0]}. */
    private static BackendSource source(LbCommand cmd, LbConfig config, KvStore[] store) {
        String spec = cmd.source;
        if (spec.equals("registry")) {
            if (KvOverApi.chosen(cmd.api, cmd.etcd) || cmd.etcd.endpoints == null) {
                var client = cmd.api.client();
                requireKnown(config.service(), () -> declaredServices(client.units()),
                        () -> client.service(config.service()).endpoints().isEmpty());
                return RegistrySource.overApi(config.service(), client);
            }
            store[0] = openEtcd(cmd);
            Registry registry = Registry.create(store[0]);
            try {
                requireKnown(config.service(), () -> declaredServicesIn(registry.units().list()),
                        () -> registry.services().ofService(config.service()).endpoints().isEmpty());
            } catch (CliException e) {
                closeStore(store[0]);
                throw e;
            }
            return RegistrySource.overEtcd(config.service(), registry.services(), String.join(",", cmd.etcd.urls()));
        }
        if (spec.startsWith("static:")) {
            try {
                return StaticSource.parse(spec.substring("static:".length()));
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
            }
        }
        if (spec.equals("keys") || spec.startsWith("keys:")) {
            String prefix = spec.equals("keys") ? "/services/" + config.service() : spec.substring("keys:".length());
            if (!prefix.startsWith("/") || prefix.length() < 2) {
                throw new CliException(ExitCodes.USAGE, "--source keys:PREFIX: expected a prefix starting with /, e.g. "
                        + "keys:/services/web; got '" + spec + "'");
            }
            if (KvOverApi.chosen(cmd.api, cmd.etcd) || cmd.etcd.endpoints == null) {
                var client = cmd.api.client();
                return KeysSource.overApi(prefix, client, config.checkInterval(), client.endpoint().toString());
            }
            store[0] = openEtcd(cmd);
            return KeysSource.overEtcd(prefix, store[0], String.join(",", cmd.etcd.urls()));
        }
        throw new CliException(ExitCodes.USAGE, "--source: expected registry, keys[:PREFIX] or "
                + "static:HOST:PORT[,HOST:PORT...], got '" + spec + "'");
    }

    /** A read that may fail; a failure skips the check it feeds (the source's own start reports it). */
    private interface Read<T> {
        T get() throws Exception;
    }

    /**
     * A misspelt service fails at once: when nothing is registered under {@code service} and no unit in the cluster
     * declares it ({@code [X-Service] Name=}), the balancer would wait forever. A service declared but not yet
     * registered (its units starting) is a wait, not an error. A name made of specifiers ({@code Name=%p}) counts
     * as declaring any service.
     */
    private static void requireKnown(String service, Read<Set<String>> declared, Read<Boolean> nothingRegistered) {
        Set<String> names;
        try {
            names = declared.get();
            if (names.contains(service) || names.stream().anyMatch(n -> n.contains("%")) || !nothingRegistered.get()) {
                return;
            }
        } catch (Exception e) {
            return;
        }
        Set<String> known = new TreeSet<>(names);
        throw new CliException(ExitCodes.USAGE, "--service " + service + ": no unit declares [X-Service] Name=" + service
                + " and nothing is registered under it (" + (known.isEmpty() ? "no unit declares a service"
                        : "services declared: " + String.join(", ", known)) + ")");
    }

    private static Set<String> declaredServices(List<Unit> units) {
        Set<String> names = new HashSet<>();
        for (Unit u : units) {
            for (UnitOption o : u.options()) {
                if (o.section().equals("X-Service") && o.name().equals("Name")) {
                    names.add(o.value().strip());
                }
            }
        }
        return names;
    }

    private static Set<String> declaredServicesIn(List<UnitRecord> units) {
        Set<String> names = new HashSet<>();
        for (UnitRecord u : units) {
            try {
                for (var a : UnitFile.parse(u.name().name(), u.contents()).assignments("X-Service")) {
                    if (a.key().equals("Name")) {
                        names.add(a.value().strip());
                    }
                }
            } catch (RuntimeException e) {
                // A unit that does not parse declares nothing.
            }
        }
        return names;
    }

    /** HAProxy refusing or unreachable is logged, not fatal: the syncer keeps the list and applies it again. */
    private static void apply(HaproxySync sync, List<BackendAddress> backends) {
        try {
            sync.apply(backends);
        } catch (HaproxyRuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(LbLauncher.class).warn("HAProxy backend {}: {} (retrying)", sync.backend(),
                    e.getMessage());
        }
    }

    /** The source's first read failed: one line, naming {@code --source} unless it is the default. */
    private static CliException sourceFailed(LbCommand cmd, BackendSourceException e) {
        String what = cmd.source.equals("registry") ? "" : "--source " + cmd.source + ": ";
        return new CliException(ExitCodes.USAGE, what + e.getMessage(), e);
    }

    private static void closeSync(HaproxySync sync) {
        if (sync != null) {
            sync.close();
        }
    }

    private static KvStore openEtcd(LbCommand cmd) {
        try {
            return KvOperations.open(cmd.etcd);
        } catch (StoreException e) {
            throw new CliException(ExitCodes.USAGE, "--etcd " + String.join(",", cmd.etcd.urls()) + ": "
                    + e.getMessage(), e);
        }
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /**
     * Backends entering and leaving rotation are what an operator watches: logged once the balancer runs (before,
     * a failure is one line and the state at start is printed with the ready line), unless a level was chosen.
     */
    private static void announceBackendChanges() {
        if (System.getenv("FLOTILLA_LOG_LEVEL") == null && System.getProperty("FLOTILLA_LOG_LEVEL") == null) {
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.flotilla.lb"))
                    .setLevel(ch.qos.logback.classic.Level.INFO);
        }
    }

    private static void closeStore(KvStore store) {
        if (store != null) {
            store.close();
        }
    }
}
