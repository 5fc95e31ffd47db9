package dev.flotilla.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A following watch of one service's endpoints ({@code GET /v1/services/{name}/watch}), opened by
 * {@link FleetClient#watchService}: a thread of its own reads the stream's {@code endpoints} events and hands each
 * whole list to the listener; when the stream drops it reconnects, pausing {@link #MIN_BACKOFF} at first and twice
 * as long after each failure in a row (at most {@link #MAX_BACKOFF}), and the first list of the new stream says
 * where things stand. The listener therefore never has to merge changes, and may see the same list twice.
 * Thread-safe; {@link #close()} may be called from any thread, the listener's included.
 */
public final class ServiceWatch implements AutoCloseable {

    /** The first pause before reconnecting. */
    public static final Duration MIN_BACKOFF = Duration.ofMillis(200);
    /** The longest pause between two reconnection attempts. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /** Opens the stream again. */
    interface Opener {
        HttpURLConnection open() throws ApiException;
    }

    private final String service;
    private final Opener opener;
    private final String endpoint;
    private final Consumer<ServiceView> listener;
    private final Consumer<ApiException> onFailure;
    private final Thread thread;
    private final Object lock = new Object();
    /** The open connection; null between connections. Guarded by lock. */
    private HttpURLConnection connection;
    private volatile boolean closed;

    private ServiceWatch(String service, HttpURLConnection first, Opener opener, String endpoint,
            Consumer<ServiceView> listener, Consumer<ApiException> onFailure) {
        this.service = service;
        this.opener = opener;
        this.endpoint = endpoint;
        this.listener = listener;
        this.onFailure = onFailure;
        this.connection = first;
        this.thread = Thread.ofPlatform().daemon().name("flotilla-watch-service-" + service).unstarted(this::run);
    }

    static ServiceWatch start(String service, HttpURLConnection first, Opener opener, String endpoint,
            Consumer<ServiceView> listener, Consumer<ApiException> onFailure) {
        ServiceWatch watch = new ServiceWatch(service, first, opener, endpoint, listener, onFailure);
        watch.thread.start();
        return watch;
    }

    /** The service watched. */
    public String service() {
        return service;
    }

    /** Ends the watch: the stream is closed, no more lists are delivered once a call in progress returns. Idempotent. */
    @Override
    public void close() {
        closed = true;
        HttpURLConnection c;
        synchronized (lock) {
            c = connection;
            connection = null;
        }
        if (c != null) {
            c.disconnect(); // "Connection: close": a read blocked on the socket fails at once
        }
        if (Thread.currentThread() != thread) {
            thread.interrupt(); // a pause between attempts ends at once
        }
    }

    private void run() {
        Duration backoff = MIN_BACKOFF;
        HttpURLConnection c;
        synchronized (lock) {
            c = connection;
        }
        while (!closed) {
            if (c != null) {
                boolean delivered = read(c);
                if (closed) {
                    return;
                }
                if (delivered) {
                    backoff = MIN_BACKOFF;
                }
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return; // closed
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            c = reconnect();
        }
    }

    /** A new connection, or null (reported) when it failed. */
    private HttpURLConnection reconnect() {
        try {
            HttpURLConnection c = opener.open();
            synchronized (lock) {
                if (closed) {
                    c.disconnect();
                    return null;
                }
                connection = c;
            }
            return c;
        } catch (ApiException e) {
            if (!closed) {
                onFailure.accept(e);
            }
            return null;
        }
    }

    /** Reads one stream until it ends; whether it delivered a list. Reports why it ended, unless closed. */
    private boolean read(HttpURLConnection c) {
        boolean delivered = false;
        String reason = "the agent ended it";
        try (BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
            String event = null;
            StringBuilder data = new StringBuilder();
            for (String line = in.readLine(); line != null && !closed; line = in.readLine()) {
                if (line.isEmpty()) {
                    if ("endpoints".equals(event) && !data.isEmpty()) {
                        deliver(decode(data.toString()));
                        delivered = true;
                    }
                    event = null;
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    event = value(line, 6);
                } else if (line.startsWith("data:")) {
                    data.append(value(line, 5));
                }
                // Comments (":" heartbeats), "id:" and "retry:" carry nothing for a watch of whole lists.
            }
        } catch (IOException e) {
            reason = e.getMessage();
        } catch (EndpointUnreachableException e) {
            reason = e.getMessage();
        } finally {
            c.disconnect();
            synchronized (lock) {
                if (connection == c) {
                    connection = null;
                }
            }
        }
        if (!closed) {
            onFailure.accept(new EndpointUnreachableException("the watch of service " + service + " at " + endpoint
                    + " dropped (" + reason + "); reconnecting"));
        }
        return delivered;
    }

    private void deliver(ServiceView view) {
        if (closed) {
            return;
        }
        try {
            listener.accept(view);
        } catch (RuntimeException e) {
            // The listener's bug must not end the watch: report it as an uncaught exception would be, and go on.
            Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), e);
        }
    }

    private ServiceView decode(String json) throws EndpointUnreachableException {
        try {
            return Wire.serviceView(Wire.parse(json.getBytes(StandardCharsets.UTF_8)));
        } catch (Wire.MalformedException | RuntimeException e) {
            throw new EndpointUnreachableException("the API at " + endpoint + " sent a list of endpoints that is not one ("
                    + e.getMessage() + "): is it a Flotilla API?");
        }
    }

    private static String value(String line, int from) {
        return line.length() > from && line.charAt(from) == ' ' ? line.substring(from + 1) : line.substring(from);
    }
}
