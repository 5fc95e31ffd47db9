package dev.flotilla.lb;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A fixed list of backends ({@code --source static:127.0.0.2:8080,127.0.0.3:8080}), for tests, benchmarks and
 * backends no registry knows. Each is passing as far as the source is concerned; the balancer's checks decide.
 */
public final class StaticSource implements BackendSource {

    private final List<BackendAddress> backends;

    public StaticSource(List<BackendAddress> backends) {
        this.backends = List.copyOf(backends);
    }

    /**
     * Parses {@code HOST:PORT,HOST:PORT...} (what follows {@code static:}).
     *
     * @throws IllegalArgumentException naming {@code --source} and the bad entry
     */
    public static StaticSource parse(String list) {
        List<BackendAddress> backends = new ArrayList<>();
        for (String entry : list.split(",")) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            var address = LbConfig.hostPort("--source static", e);
            if (address.getPort() == 0) {
                throw new IllegalArgumentException("--source static: port 0 in '" + e + "' is not a backend's port");
            }
            backends.add(new BackendAddress(e, address.getHostString(), address.getPort(), true));
        }
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("--source static: expected HOST:PORT[,HOST:PORT...], got '" + list + "'");
        }
        return new StaticSource(backends);
    }

    /** Reports the list once, before returning. */
    @Override
    public void start(Consumer<List<BackendAddress>> listener) {
        listener.accept(backends);
    }

    @Override
    public String describe() {
        return "static:" + String.join(",", backends.stream().map(BackendAddress::hostPort).toList());
    }

    @Override
    public void close() {
    }
}
