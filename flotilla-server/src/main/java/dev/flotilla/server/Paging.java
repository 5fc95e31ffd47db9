package dev.flotilla.server;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

import io.javalin.http.Context;

/**
 * Pages of sorted lists, with fleet's {@code nextPageToken}. A token is opaque to clients; inside, it holds
 * the sort key of the last item served, so the next page starts after it even when items were added or
 * removed in between (fleet's page-number tokens skipped or repeated items then). Stateless.
 */
final class Paging {

    private static final String VERSION = "v1\n";

    private Paging() {
    }

    /**
     * One page of items.
     *
     * @param items the page's items
     * @param nextPageToken the token of the next page; null on the last page
     */
    record Page<T>(List<T> items, String nextPageToken) {
    }

    /**
     * The page of {@code sorted} that the request's {@code nextPageToken} asks for (the first page without
     * one). {@code key} must order items as {@code sorted} is ordered, by {@link String#compareTo}.
     *
     * @throws ApiFailure 400 when the token is repeated or malformed
     */
    static <T> Page<T> page(Context ctx, List<T> sorted, Function<T, String> key, int size) {
        List<String> tokens = ctx.queryParams("nextPageToken");
        if (tokens.size() > 1) {
            throw ApiFailure.badRequest("too many values for page token");
        }
        int from = 0;
        if (!tokens.isEmpty() && !tokens.getFirst().isEmpty()) {
            String after = decode(tokens.getFirst());
            from = firstAfter(sorted, key, after);
        }
        int to = Math.min(sorted.size(), from + size);
        List<T> items = List.copyOf(sorted.subList(from, to));
        String next = to < sorted.size() ? encode(key.apply(items.getLast())) : null;
        return new Page<>(items, next);
    }

    static String encode(String lastKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((VERSION + lastKey).getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String token) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (text.startsWith(VERSION)) {
                return text.substring(VERSION.length());
            }
        } catch (IllegalArgumentException e) {
            // Reported below.
        }
        throw ApiFailure.badRequest("invalid value of nextPageToken query parameter");
    }

    /** Index of the first item whose key is after {@code after} (binary search: the list is sorted by key). */
    private static <T> int firstAfter(List<T> sorted, Function<T, String> key, String after) {
        int lo = 0;
        int hi = sorted.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (key.apply(sorted.get(mid)).compareTo(after) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
