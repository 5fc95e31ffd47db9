package dev.flotilla.server;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.flotilla.registry.Registry;
import dev.flotilla.registry.UserKeys;
import dev.flotilla.store.StoreException;
import io.javalin.http.Context;

/**
 * Flotilla's key-value API for sidekicks, {@code /v1/kv/...}: the cluster's user keys ({@link UserKeys}), so that
 * a unit can register what it serves ({@code flotilla kv put --endpoint ... --ttl 10 /services/web/web01/host
 * core01}) on any cluster, dev mode's embedded store included, without speaking etcd. The path after
 * {@code /v1/kv} is the key: {@code PUT /v1/kv/services/web/web01/host} writes the store key
 * {@code /services/web/web01/host}. Thread-safe.
 */
final class KvResource {

    /** The path every key's URL starts with. */
    static final String PATH = "/v1/kv";

    /**
     * A key as served.
     *
     * @param key the key
     * @param value its value
     * @param createRevision the store revision that created it
     * @param modRevision the store revision of its last write
     * @param version writes since it was created
     * @param ttl seconds it has left before it expires (a single key's GET and a PUT with a TTL only); absent
     *     when it has no TTL
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record KeyView(String key, String value, long createRevision, long modRevision, long version, Long ttl) {
    }

    /**
     * A page of keys.
     *
     * @param kvs the keys of the page, sorted
     * @param nextPageToken the next page's token; absent on the last page
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record KeyPage(List<KeyView> kvs, String nextPageToken) {
    }

    /** The body of a PUT: the value, and a TTL in whole seconds (absent or 0: none). */
    record PutBody(String value, Long ttl) {
    }

    private final UserKeys keys;
    private final int pageSize;
    private final int maxBodyBytes;

    KvResource(Registry registry, int pageSize, int maxBodyBytes) {
        this.keys = registry.userKeys();
        this.pageSize = pageSize;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** {@code GET /v1/kv/{key}}: the key, with the time it has left; 404 when it does not exist. */
    void get(Context ctx) throws StoreException {
        String key = key(ctx);
        UserKeys.Entry entry = checked(() -> keys.get(key)).orElseThrow(() -> ApiFailure.notFound("key " + key
                + " does not exist"));
        Optional<Duration> ttl = keys.timeToLive(entry);
        Json.respond(ctx, 200, view(entry, ttl.map(Duration::toSeconds).orElse(null)));
    }

    /** {@code GET /v1/kv?prefix=P}: a page of the keys under P (default {@code /}), sorted. */
    void list(Context ctx) throws StoreException {
        String prefix = single(ctx, "prefix").orElse("/");
        List<UserKeys.Entry> all = checked(() -> keys.list(prefix));
        Paging.Page<UserKeys.Entry> page = Paging.page(ctx, all, UserKeys.Entry::key, pageSize);
        Json.respond(ctx, 200, new KeyPage(page.items().stream().map(e -> view(e, null)).toList(), page.nextPageToken()));
    }

    /**
     * {@code PUT /v1/kv/{key}} with {@code {"value": "...", "ttl": 10}}: 201 when the key is new, 200 when it was
     * rewritten; the key as written in the body.
     */
    void put(Context ctx) throws StoreException {
        String key = key(ctx);
        checked(() -> {
            keys.checkKey(key);
            return null;
        });
        UnitSubmissions.requireJson(ctx);
        PutBody body = Json.read(Json.body(ctx, maxBodyBytes), PutBody.class);
        if (body.value() == null) {
            throw ApiFailure.badRequest("unable to decode body: field value must be a string");
        }
        Optional<Duration> ttl = Optional.empty();
        if (body.ttl() != null && body.ttl() != 0) {
            if (body.ttl() < 0 || body.ttl() > UserKeys.MAX_TTL.toSeconds()) {
                throw ApiFailure.badRequest("ttl must be a whole number of seconds from 1 to " + UserKeys.MAX_TTL.toSeconds()
                        + " (0 or none: no TTL), not " + body.ttl());
            }
            ttl = Optional.of(Duration.ofSeconds(body.ttl()));
        }
        Optional<Duration> asked = ttl;
        UserKeys.Entry written = checked(() -> keys.put(key, body.value(), asked));
        Long left = asked.isPresent() ? keys.timeToLive(written).map(Duration::toSeconds).orElse(asked.get().toSeconds())
                : null;
        Json.respond(ctx, written.version() == 1 ? 201 : 200, view(written, left));
    }

    /** {@code DELETE /v1/kv/{key}}: 204, or 404 when it did not exist. */
    void delete(Context ctx) throws StoreException {
        String key = key(ctx);
        if (!checked(() -> keys.delete(key))) {
            throw ApiFailure.notFound("key " + key + " does not exist");
        }
        ctx.status(204);
    }

    /** {@code DELETE /v1/kv?prefix=P}: deletes every key under P; {@code {"deleted": N}}. */
    void deletePrefix(Context ctx) throws StoreException {
        String prefix = single(ctx, "prefix").orElseThrow(() -> ApiFailure.badRequest("DELETE " + PATH
                + " needs ?prefix=P (the keys under P are deleted); to delete one key, DELETE " + PATH + "/KEY"));
        long deleted = checked(() -> keys.deletePrefix(prefix));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("prefix", prefix);
        body.put("deleted", deleted);
        Json.respond(ctx, 200, body);
    }

    /**
     * The key a request's path names: what follows {@code /v1/kv}, its leading {@code /} included. A path ending in
     * {@code /} is refused: the web server drops that {@code /} before routing, so the key would silently be
     * another one.
     */
    private static String key(Context ctx) {
        String key = "/" + ctx.pathParam("key");
        if (ctx.req().getRequestURI().endsWith("/")) {
            throw ApiFailure.badRequest("a key does not end in /: " + key + "/ names a prefix; list it with GET " + PATH
                    + "?prefix=" + key + "/");
        }
        return key;
    }

    private static Optional<String> single(Context ctx, String name) {
        List<String> values = ctx.queryParams(name);
        if (values.size() > 1) {
            throw ApiFailure.badRequest("too many values for query parameter " + name);
        }
        return values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    private static KeyView view(UserKeys.Entry e, Long ttl) {
        return new KeyView(e.key(), e.value(), e.createRevision(), e.modRevision(), e.version(), ttl);
    }

    private interface StoreCall<T> {
        T call() throws StoreException;
    }

    /** Runs {@code call}, answering a key that breaks the rules with 400 (403 for the cluster's own keys). */
    private static <T> T checked(StoreCall<T> call) throws StoreException {
        try {
            return call.call();
        } catch (UserKeys.ReservedKeyException e) {
            throw new ApiFailure(403, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiFailure.badRequest(e.getMessage());
        }
    }
}
