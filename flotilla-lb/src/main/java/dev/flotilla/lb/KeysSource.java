package dev.flotilla.lb;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.KvEntry;
import dev.flotilla.store.KeyValue;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.Watch;
import dev.flotilla.store.WatchEvent;
import dev.flotilla.store.WatchListener;

/**
 * The tutorial's layout, which sidekick units keep alive with TTLs: {@code <prefix>/<name>/public_ipv4_addr} (or
 * {@code host}) and {@code <prefix>/<name>/port}, one backend per {@code <name>} that has both. Over etcd it
 * watches the prefix; over an agent's API it lists the prefix every poll interval. A backend listed here is passing
 * as far as the source is concerned (the keys' TTLs are its health); the balancer's checks decide.
 *
 * <p>No keys yet is not an error (the service's units may still be starting): the source logs it and waits. An
 * unreachable store on the first read is; later, a failed listing keeps the last list, and an ended watch (etcd
 * compacted what it missed) is replaced by a fresh read and watch.
 */
public final class KeysSource implements BackendSource {

    private static final Logger LOG = LoggerFactory.getLogger(KeysSource.class);

    private final String prefix;
    private final KvStore store;
    private final FleetClient client;
    private final Duration pollInterval;
    private final String via;
    private volatile Watch watch;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lb-keys");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;
    private List<BackendAddress> last;

    private KeysSource(String prefix, KvStore store, FleetClient client, Duration pollInterval, String via) {
        this.prefix = prefix.endsWith("/") ? prefix : prefix + "/";
        this.store = store;
        this.client = client;
        this.pollInterval = pollInterval;
        this.via = via;
    }

    /** Watches {@code prefix} in {@code store} (the caller opened it and closes it after this source). */
    public static KeysSource overEtcd(String prefix, KvStore store, String via) {
        return new KeysSource(prefix, Objects.requireNonNull(store), null, null, via);
    }

    /** Lists {@code prefix} through an agent's {@code /v1/kv} every {@code pollInterval}. */
    public static KeysSource overApi(String prefix, FleetClient client, Duration pollInterval, String via) {
        return new KeysSource(prefix, null, Objects.requireNonNull(client), pollInterval, via);
    }

    /** Reports the first list before returning, then every change, from one thread at a time. */
    @Override
    public void start(Consumer<List<BackendAddress>> listener) throws BackendSourceException {
        if (store != null) {
            watchEtcd(listener);
        } else {
            pollApi(listener);
        }
    }

    private void watchEtcd(Consumer<List<BackendAddress>> listener) throws BackendSourceException {
        Map<String, String> keys = new TreeMap<>();
        long revision;
        try {
            var range = store.range(prefix);
            range.kvs().forEach(kv -> keys.put(kv.key(), kv.valueAsString()));
            revision = range.revision();
        } catch (StoreException e) {
            throw new BackendSourceException("cannot read " + prefix + " from etcd at " + via + ": " + e.getMessage(), e);
        }
        report(keys, listener);
        try {
            watch = store.watch(prefix, true, revision + 1, new WatchListener() {
                @Override
                public void onEvents(List<WatchEvent> events) {
                    for (WatchEvent e : events) {
                        KeyValue kv = e.kv();
                        if (e.type() == WatchEvent.Type.PUT) {
                            keys.put(kv.key(), new String(kv.value(), StandardCharsets.UTF_8));
                        } else {
                            keys.remove(kv.key());
                        }
                    }
                    if (!closed) {
                        report(keys, listener);
                    }
                }

                @Override
                public void onError(StoreException error) {
                    LOG.warn("the watch of {} in etcd ended: {}; reading it again", prefix, error.getMessage());
                    rewatch(listener);
                }
            });
        } catch (StoreException e) {
            throw new BackendSourceException("cannot watch " + prefix + " in etcd at " + via + ": " + e.getMessage(), e);
        }
    }

    /** Reads the prefix again and watches from there, every second until it works (the source is not closed). */
    private void rewatch(Consumer<List<BackendAddress>> listener) {
        timer.schedule(() -> {
            if (closed) {
                return;
            }
            try {
                watchEtcd(listener);
            } catch (BackendSourceException e) {
                LOG.warn("{}; backends stay as last seen, trying again in 1 s", e.getMessage());
                rewatch(listener);
            }
        }, 1, TimeUnit.SECONDS);
    }

    private void pollApi(Consumer<List<BackendAddress>> listener) throws BackendSourceException {
        try {
            report(list(), listener);
        } catch (ApiException e) {
            throw new BackendSourceException("cannot list " + prefix + " through " + via + ": " + e.getMessage(), e);
        }
        long ms = pollInterval.toMillis();
        timer.scheduleWithFixedDelay(() -> {
            try {
                Map<String, String> keys = list();
                if (!closed) {
                    report(keys, listener);
                }
            } catch (ApiException | RuntimeException e) {
                LOG.warn("cannot list {} through {}: {}; backends stay as last seen", prefix, via, e.getMessage());
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
    }

    private Map<String, String> list() throws ApiException {
        Map<String, String> keys = new TreeMap<>();
        for (KvEntry e : client.kvList(prefix)) {
            keys.put(e.key(), e.value());
        }
        return keys;
    }

    private synchronized void report(Map<String, String> keys, Consumer<List<BackendAddress>> listener) {
        List<BackendAddress> backends = backends(prefix, keys);
        if (backends.equals(last)) {
            return;
        }
        if (backends.isEmpty()) {
            LOG.warn("no backends under {} yet ({} keys): waiting for {}<name>/public_ipv4_addr (or host) and "
                    + "{}<name>/port", prefix, keys.size(), prefix, prefix);
        }
        last = backends;
        listener.accept(backends);
    }

    /**
     * The backends {@code keys} (key to value, under {@code prefix}) describe, sorted by name. Names lacking an
     * address or a valid port are left out with a warning.
     */
    static List<BackendAddress> backends(String prefix, Map<String, String> keys) {
        Map<String, String[]> byName = new TreeMap<>();
        keys.forEach((key, value) -> {
            String rest = key.substring(prefix.length());
            int slash = rest.indexOf('/');
            if (slash <= 0 || rest.indexOf('/', slash + 1) >= 0) {
                return;
            }
            String name = rest.substring(0, slash);
            String field = rest.substring(slash + 1);
            String[] hostPort = byName.computeIfAbsent(name, n -> new String[2]);
            switch (field) {
                case "public_ipv4_addr" -> hostPort[0] = value.strip();
                case "host" -> {
                    if (hostPort[0] == null) {
                        hostPort[0] = value.strip();
                    }
                }
                case "port" -> hostPort[1] = value.strip();
                default -> {
                }
            }
        });
        List<BackendAddress> backends = new ArrayList<>();
        byName.forEach((name, hp) -> {
            if (hp[0] == null || hp[0].isEmpty() || hp[1] == null) {
                return; // half-written (a sidekick writes the keys one after the other)
            }
            try {
                backends.add(new BackendAddress(name, hp[0], Integer.parseInt(hp[1]), true));
            } catch (IllegalArgumentException e) {
                LOG.warn("ignoring {}{}: port '{}' is not a port number", prefix, name, hp[1]);
            }
        });
        return backends;
    }

    @Override
    public String describe() {
        return "keys:" + prefix + " via " + via;
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        Watch w = watch;
        if (w != null) {
            w.close();
        }
    }
}
