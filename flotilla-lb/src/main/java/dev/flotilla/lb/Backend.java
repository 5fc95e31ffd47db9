package dev.flotilla.lb;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

/**
 * One backend as the balancer sees it: what its source says, what its own check says, whether a connection
 * error ejected it, the requests in flight, its metrics, and its idle keep-alive connections.
 *
 * <p>Thread-safety: the health flags are volatile and written by the checker and the event loops; the idle
 * connections are kept per event loop and touched only from that loop, so a pooled connection is always
 * reused on the loop that owns it and its client's channel (no thread hops, no locks).
 */
final class Backend {

    /** Idle connections kept per event loop; more are closed when returned. */
    private static final int MAX_IDLE_PER_LOOP = 64;

    private final BackendAddress address;
    private final InetSocketAddress socketAddress;
    private final Map<EventLoop, ArrayDeque<Channel>> idle = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    private final Counter requests;
    private final Counter failures;
    private final Counter connections;
    private final Timer latency;
    private final List<Meter> meters;
    private final MeterRegistry registry;

    private volatile boolean sourcePassing;
    private volatile boolean checkPassing;
    private volatile boolean ejected;
    private volatile boolean removed;
    private volatile String checkOutput = "not checked yet";

    Backend(BackendAddress address, String service, MeterRegistry registry) {
        this.address = address;
        this.socketAddress = new InetSocketAddress(address.host(), address.port());
        this.sourcePassing = address.passing();
        this.registry = registry;
        Tags tags = Tags.of("service", service, "backend", address.id(), "address", address.hostPort());
        requests = Counter.builder("lb.requests").description("Requests (HTTP) or connections (TCP) sent to the backend")
                .tags(tags).register(registry);
        failures = Counter.builder("lb.failures")
                .description("Connection errors and broken exchanges with the backend, retried or not")
                .tags(tags).register(registry);
        connections = Counter.builder("lb.connections")
                .description("Connections opened to the backend (HTTP mode reuses them for many requests)")
                .tags(tags).register(registry);
        latency = Timer.builder("lb.request.duration")
                .description("From sending the request to the last byte of the response (HTTP) or the connection's life (TCP)")
                .tags(tags).publishPercentiles(0.5, 0.99).register(registry);
        Gauge activeGauge = Gauge.builder("lb.active.connections", active, AtomicInteger::get)
                .description("Requests (HTTP) or connections (TCP) in flight to the backend").tags(tags).register(registry);
        Gauge up = Gauge.builder("lb.backend.up", this, b -> b.eligible() ? 1 : 0)
                .description("1 when the backend gets traffic: its source and its check pass and it is not ejected")
                .tags(tags).register(registry);
        meters = List.of(requests, failures, connections, latency, activeGauge, up);
    }

    BackendAddress address() {
        return address;
    }

    InetSocketAddress socketAddress() {
        return socketAddress;
    }

    /** Whether the backend gets new requests: its source and its check pass, and no connection error since. */
    boolean eligible() {
        return sourcePassing && checkPassing && !ejected && !removed;
    }

    /** {@code passing}, {@code ejected} (a connection error since the last passing check) or {@code critical}. */
    String health() {
        if (eligible()) {
            return "passing";
        }
        return ejected && sourcePassing && checkPassing ? "ejected" : "critical";
    }

    boolean sourcePassing() {
        return sourcePassing;
    }

    void sourcePassing(boolean value) {
        sourcePassing = value;
    }

    String checkOutput() {
        return checkOutput;
    }

    /** Records a check's result; a passing check re-admits an ejected backend. */
    void checked(boolean passing, String output) {
        checkOutput = output;
        checkPassing = passing;
        if (passing) {
            ejected = false;
        }
    }

    /** Takes the backend out of rotation until its next passing check (a connection error: refused, reset, timed out). */
    void eject(String why) {
        checkOutput = why;
        ejected = true;
    }

    int activeCount() {
        return active.get();
    }

    void started() {
        active.incrementAndGet();
        requests.increment();
    }

    /** A request (or TCP connection) ended; {@code nanos} since it started. */
    void finished(long nanos) {
        active.decrementAndGet();
        latency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A request that was started failed before completing. */
    void abandoned() {
        active.decrementAndGet();
        failures.increment();
    }

    /** A request ended because its client went away: neither a latency sample nor the backend's failure. */
    void cancelled() {
        active.decrementAndGet();
    }

    /** A new connection to the backend is up. */
    void connected() {
        connections.increment();
    }

    long connectionCount() {
        return (long) connections.count();
    }

    /** A connection error that happened before a request was started on this backend. */
    void failed() {
        failures.increment();
    }

    long requestCount() {
        return (long) requests.count();
    }

    long failureCount() {
        return (long) failures.count();
    }

    /** The {@code percentile} (0.5 or 0.99) latency in milliseconds, over Micrometer's sliding window. */
    double latencyMillis(double percentile) {
        for (ValueAtPercentile v : latency.takeSnapshot().percentileValues()) {
            if (v.percentile() == percentile) {
                return v.value(TimeUnit.MILLISECONDS);
            }
        }
        return 0;
    }

    /** An idle pooled connection of {@code loop} that is still open, or null. Call on {@code loop}. */
    Channel pollIdle(EventLoop loop) {
        ArrayDeque<Channel> channels = idle.get(loop);
        if (channels == null) {
            return null;
        }
        Channel c;
        while ((c = channels.pollLast()) != null) {
            if (c.isActive()) {
                return c;
            }
        }
        return null;
    }

    /** Keeps {@code channel} for reuse, or closes it when the backend is gone or enough are idle. Call on its loop. */
    void offerIdle(Channel channel) {
        if (removed || !channel.isActive()) {
            channel.close();
            return;
        }
        ArrayDeque<Channel> channels = idle.computeIfAbsent(channel.eventLoop(), l -> new ArrayDeque<>());
        if (channels.size() >= MAX_IDLE_PER_LOOP) {
            channel.close();
            return;
        }
        channels.addLast(channel);
    }

    /** Forgets an idle connection the backend closed. Call on its loop. */
    void dropIdle(Channel channel) {
        ArrayDeque<Channel> channels = idle.get(channel.eventLoop());
        if (channels != null) {
            channels.remove(channel);
        }
    }

    /** The source no longer lists this backend: no new requests, idle connections closed, meters removed. */
    void remove() {
        removed = true;
        idle.forEach((loop, channels) -> loop.execute(() -> {
            Channel c;
            while ((c = channels.poll()) != null) {
                c.close();
            }
        }));
        meters.forEach(registry::remove);
    }
}
