package dev.flotilla.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * An open {@code GET /v1/events} stream: Server-Sent Events read one at a time with {@link #next()}. Opened by
 * {@link FleetClient#events}; once it is open the agent has subscribed it, so nothing that happens after is
 * missed. Not thread-safe, except {@link #close()}, which may be called from any thread to end a blocked
 * {@link #next()}.
 */
public final class EventStream implements AutoCloseable {

    private final HttpURLConnection connection;
    private final BufferedReader in;
    private final String endpoint;
    private volatile boolean closed;
    private String lastEventId;

    EventStream(HttpURLConnection connection, String endpoint, String lastEventId) throws IOException {
        this.connection = connection;
        this.in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8));
        this.endpoint = endpoint;
        this.lastEventId = lastEventId;
    }

    /**
     * The next event (or {@link ClusterEvent#GAP} notice), waiting for it; empty when the agent ended the stream
     * (it is stopping, or it was not following).
     *
     * @throws EndpointUnreachableException when the connection broke or stayed silent past its read timeout
     *     (the agent sends a comment line every 15 s)
     */
    public Optional<ClusterEvent> next() throws EndpointUnreachableException {
        StringBuilder data = new StringBuilder();
        String id = null;
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isEmpty()) {
                    if (id != null) {
                        lastEventId = id;
                    }
                    if (!data.isEmpty()) {
                        return Optional.of(decode(data.toString()));
                    }
                    id = null;
                } else if (line.startsWith("data:")) {
                    data.append(value(line, 5));
                } else if (line.startsWith("id:")) {
                    id = value(line, 3);
                }
                // "event:" repeats the data's type; "retry:" and comments (":") carry nothing for us.
            }
            return Optional.empty();
        } catch (IOException e) {
            if (closed) {
                return Optional.empty();
            }
            throw new EndpointUnreachableException("the events stream of the API at " + endpoint + " broke: "
                    + e.getMessage());
        }
    }

    /**
     * The ID of the last event (or position) the agent sent on this stream, or the one the stream resumed after:
     * what to resume after ({@link EventQuery#after}); null when neither is known.
     */
    public String lastEventId() {
        return lastEventId;
    }

    /** Ends the stream (a {@link #next()} blocked in another thread returns empty). Idempotent. */
    @Override
    public void close() {
        closed = true;
        // The request asked for "Connection: close", so this closes the socket and a blocked read fails at once;
        // closing the reader instead would wait for that read (they share a lock).
        connection.disconnect();
    }

    private ClusterEvent decode(String json) throws EndpointUnreachableException {
        try {
            return Wire.event(Wire.parse(json.getBytes(StandardCharsets.UTF_8)));
        } catch (Wire.MalformedException | RuntimeException e) {
            throw new EndpointUnreachableException("the API at " + endpoint + " sent an event that is not one ("
                    + e.getMessage() + "): is it a Flotilla API?");
        }
    }

    private static String value(String line, int from) {
        return line.length() > from && line.charAt(from) == ' ' ? line.substring(from + 1) : line.substring(from);
    }
}
