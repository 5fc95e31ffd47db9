package dev.flotilla.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.api.ServiceView;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.ServiceHealth;
import dev.flotilla.registry.ServiceSnapshot;
import dev.flotilla.store.StoreException;
import io.javalin.http.Context;

/**
 * {@code GET /v1/services/{name}/watch[?health=]}: one service's endpoints as Server-Sent Events, an
 * {@code endpoints} event whose data is what {@code GET /v1/services/{name}} answers, once at connect and again
 * whenever the list changes (always whole: a client never merges changes). Lists that come faster than the client
 * reads are collapsed to the newest, so a slow client costs one list of memory, never a queue. A comment line every
 * heartbeat keeps proxies awake and finds clients that went away.
 *
 * <p>Each stream holds its request's thread until the client goes or the server stops; at most
 * {@value #MAX_STREAMS} at once (503 beyond), apart from the events streams. Thread-safe.
 */
final class ServiceWatches implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceWatches.class);
    /** The most service watches one server serves at once: each holds a request thread. */
    static final int MAX_STREAMS = 64;
    private static final Object WAKE = new Object();

    /** One client's stream: the newest list not yet written, and a wake-up for the writing thread. */
    private static final class Stream {
        final AtomicReference<ServiceSnapshot> pending = new AtomicReference<>();
        final ArrayBlockingQueue<Object> wake = new ArrayBlockingQueue<>(1);
        volatile boolean ended;

        void offer(ServiceSnapshot snapshot) {
            pending.set(snapshot);
            wake.offer(WAKE);
        }

        void end() {
            ended = true;
            wake.offer(WAKE);
        }
    }

    private final Registry registry;
    private final Duration heartbeat;
    private final Set<Stream> open = ConcurrentHashMap.newKeySet();

    ServiceWatches(Registry registry, Duration heartbeat) {
        this.registry = registry;
        this.heartbeat = heartbeat;
    }

    /** Answers a request: the list now, then every changed list, until the client or the server goes. */
    void stream(Context ctx) throws IOException, StoreException {
        String name = ServicesResource.pathService(ctx);
        Optional<ServiceHealth> health = ServicesResource.health(ctx);
        if (open.size() >= MAX_STREAMS) {
            throw new ApiFailure(503, "this agent already serves " + MAX_STREAMS + " service watches; ask another agent, "
                    + "or try again later");
        }
        Stream stream = new Stream();
        open.add(stream);
        AutoCloseable watch;
        try {
            watch = registry.services().watch(name, stream::offer);
        } catch (StoreException | RuntimeException e) {
            open.remove(stream);
            throw e;
        }
        try {
            ctx.status(200);
            ctx.res().setCharacterEncoding("UTF-8");
            ctx.res().setContentType("text/event-stream");
            ctx.header("Cache-Control", "no-cache");
            ctx.header("X-Accel-Buffering", "no");
            OutputStream out = ctx.res().getOutputStream();
            out.write("retry: 1000\n\n".getBytes(UTF_8));
            out.flush();
            write(name, health, stream, out);
        } finally {
            open.remove(stream);
            try {
                watch.close();
            } catch (Exception e) {
                LOG.debug("services: closing the watch of {} failed: {}", name, e.toString());
            }
        }
    }

    /** Writes each new list (skipping one equal to the last written) and heartbeats, until the stream ends. */
    private void write(String name, Optional<ServiceHealth> health, Stream stream, OutputStream out) {
        List<dev.flotilla.api.ServiceEndpoint> sent = null;
        try {
            while (!stream.ended) {
                Object woken = stream.wake.poll(heartbeat.toNanos(), TimeUnit.NANOSECONDS);
                ServiceSnapshot snapshot = stream.pending.getAndSet(null);
                if (snapshot != null) {
                    ServiceView view = ServicesResource.view(name, snapshot, health);
                    if (!view.endpoints().equals(sent)) {
                        out.write(frame(view));
                        out.flush();
                        sent = view.endpoints();
                    }
                } else if (woken == null) {
                    out.write(": keep-alive\n\n".getBytes(UTF_8));
                    out.flush();
                }
            }
            out.write(": the agent is stopping\n\n".getBytes(UTF_8));
            out.flush();
        } catch (IOException e) {
            LOG.debug("services: a watcher of {} went away: {}", name, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One SSE frame: {@code event: endpoints}, the revision as its ID, the list's JSON on one data line. */
    static byte[] frame(ServiceView view) {
        return ("id: " + view.revision() + "\nevent: endpoints\ndata: " + new String(Json.encode(view), UTF_8) + "\n\n")
                .getBytes(UTF_8);
    }

    /** Ends every stream (the server is stopping). */
    @Override
    public void close() {
        List.copyOf(open).forEach(Stream::end);
    }
}
