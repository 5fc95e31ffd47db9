package dev.flotilla.lb;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** Shared by the balancer tests: one keep-alive HTTP/1.1 client, and counting which backend answered. */
final class LbTestSupport {

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private LbTestSupport() {
    }

    static InetSocketAddress anyPort() {
        return new InetSocketAddress("127.0.0.1", 0);
    }

    static String url(LoadBalancer lb, String path) {
        InetSocketAddress a = lb.address();
        return "http://" + a.getHostString() + ":" + a.getPort() + path;
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Sends {@code n} sequential GETs of {@code /} and counts the answers by body (the backend's name); non-200s count as "HTTP <status>". */
    static Map<String, Integer> spread(LoadBalancer lb, int n) throws IOException, InterruptedException {
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = get(url(lb, "/"));
            counts.merge(r.statusCode() == 200 ? r.body().strip() : "HTTP " + r.statusCode(), 1, Integer::sum);
        }
        return counts;
    }
}
