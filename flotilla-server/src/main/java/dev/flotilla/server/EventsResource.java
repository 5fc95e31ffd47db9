package dev.flotilla.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.api.ClusterEvent;
import io.javalin.http.Context;

/**
 * {@code GET /v1/events}: the cluster's events as Server-Sent Events ({@code text/event-stream}), one frame per
 * event: {@code id: 1234-0}, {@code event: assigned}, {@code data: {...the event as JSON...}}. Query:
 * {@code unit}, {@code machine}, {@code type} ({@link EventFilter}); {@code last=N} to begin with the last N kept
 * events; {@code follow=false} to get the kept events only and the end of the response; {@code Last-Event-ID}
 * (header, or {@code ?lastEventId=}) to resume after an event. A comment line every {@link #heartbeat} keeps
 * the connection (and proxies) awake and finds clients that went away.
 *
 * <p>A following stream is written by its request's thread until the client goes or the server stops; at most
 * {@value #MAX_STREAMS} follow at once (503 beyond). Thread-safe.
 */
final class EventsResource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventsResource.class);
    /** The most streams one server follows at once: each holds a request thread. */
    static final int MAX_STREAMS = 64;

    private final ClusterEvents events;
    private final Duration heartbeat;
    private final Set<ClusterEvents.Subscription> open = ConcurrentHashMap.newKeySet();

    EventsResource(ClusterEvents events, Duration heartbeat) {
        this.events = events;
        this.heartbeat = heartbeat;
    }

    /** Answers a request: the replay, then (following) every new event until the client or the server goes. */
    void stream(Context ctx) throws IOException {
        EventFilter filter;
        try {
            filter = EventFilter.parse(ctx.queryParams("unit"), ctx.queryParams("machine"), ctx.queryParams("type"));
        } catch (IllegalArgumentException e) {
            throw ApiFailure.badRequest(e.getMessage());
        }
        boolean follow = bool(ctx, "follow", true);
        int last = last(ctx);
        Optional<String> after = Optional.ofNullable(single(ctx, "lastEventId"))
                .or(() -> Optional.ofNullable(ctx.header("Last-Event-ID"))).filter(id -> !id.isBlank()).map(String::strip);
        if (follow && open.size() >= MAX_STREAMS) {
            throw new ApiFailure(503, "this agent already serves " + MAX_STREAMS + " event streams; ask another agent, "
                    + "or try again later");
        }
        ClusterEvents.Subscription subscription;
        try {
            subscription = events.subscribe(filter, after, last, follow);
        } catch (IllegalArgumentException e) {
            throw ApiFailure.badRequest(e.getMessage());
        }
        open.add(subscription);
        try {
            ctx.status(200);
            ctx.res().setCharacterEncoding("UTF-8");
            ctx.res().setContentType("text/event-stream");
            ctx.header("Cache-Control", "no-cache");
            ctx.header("X-Accel-Buffering", "no");
            OutputStream out = ctx.res().getOutputStream();
            // Headers now: once a client sees them, it is subscribed and misses nothing that follows.
            out.write("retry: 1000\n\n".getBytes(UTF_8));
            out.flush();
            write(subscription, out);
        } finally {
            subscription.close();
            open.remove(subscription);
        }
    }

    /**
     * Writes until the subscription ends or the client goes, on the request's own thread: a following client
     * holds one (which is why there are at most {@value #MAX_STREAMS}); the heartbeat finds one that went away.
     */
    private void write(ClusterEvents.Subscription subscription, OutputStream out) {
        try {
            String sent = null;
            for (ClusterEvent e : subscription.replay()) {
                out.write(frame(e));
                sent = e.id() != null ? e.id() : sent;
            }
            // Where the stream stands, as an ID without an event: a client that reconnects resumes after it.
            if (subscription.position().isPresent() && !subscription.position().get().equals(sent)) {
                out.write(("id: " + subscription.position().get() + "\n\n").getBytes(UTF_8));
            }
            out.flush();
            while (true) {
                Optional<ClusterEvent> next = subscription.next(heartbeat);
                if (next.isPresent()) {
                    out.write(frame(next.get()));
                    out.flush();
                } else if (subscription.isClosed()) {
                    if (!subscription.closedBecause().isEmpty()) {
                        out.write((": " + subscription.closedBecause() + "\n\n").getBytes(UTF_8));
                        out.flush();
                    }
                    break;
                } else {
                    out.write(": keep-alive\n\n".getBytes(UTF_8));
                    out.flush();
                }
            }
        } catch (IOException e) {
            LOG.debug("events: a client went away: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends every stream this resource serves (the server is stopping). */
    @Override
    public void close() {
        List.copyOf(open).forEach(ClusterEvents.Subscription::close);
    }

    /** One SSE frame: the event's ID (none for a gap notice), its type, its JSON on one data line. */
    static byte[] frame(ClusterEvent e) {
        StringBuilder b = new StringBuilder();
        if (e.id() != null) {
            b.append("id: ").append(e.id()).append('\n');
        }
        b.append("event: ").append(e.type()).append('\n');
        // JSON escapes line breaks inside strings, so the event is one data line.
        b.append("data: ").append(new String(Json.encode(e), UTF_8)).append("\n\n");
        return b.toString().getBytes(UTF_8);
    }

    private int last(Context ctx) {
        String raw = single(ctx, "last");
        if (raw == null || raw.isEmpty()) {
            return 0;
        }
        try {
            int n = Integer.parseInt(raw);
            if (n >= 0 && n <= events.capacity()) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw ApiFailure.badRequest("last must be a whole number from 0 to " + events.capacity()
                + " (the events this agent keeps), not \"" + raw + "\"");
    }

    private static boolean bool(Context ctx, String name, boolean otherwise) {
        String raw = single(ctx, name);
        if (raw == null || raw.isEmpty()) {
            return otherwise;
        }
        return switch (raw) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw ApiFailure.badRequest(name + " must be true or false, not \"" + raw + "\"");
        };
    }

    private static String single(Context ctx, String name) {
        List<String> values = ctx.queryParams(name);
        if (values.size() > 1) {
            throw ApiFailure.badRequest("too many values for query parameter " + name);
        }
        return values.isEmpty() ? null : values.getFirst();
    }
}
