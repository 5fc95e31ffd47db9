package dev.flotilla.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The workload bin/flotilla trains the JDK's ahead-of-time cache with ({@code java -XX:AOTCacheOutput=FILE}, JEP 483
 * and 515), once per build of the jars and JDK, in the background. A fleet command spends most of its time loading
 * and linking classes (picocli's model, the HTTP client, Jackson); the cache holds them loaded and linked, with
 * the methods' profiles, so that the next commands skip that work.
 *
 * <p>The workload is what a user's commands do: the usage help, one command's help, and the three list commands
 * against a stand-in for an agent's API on loopback (JDK's own HTTP server; one unit, one machine, fleet's wire
 * format), so that the real request, JSON and table code runs. Its output is thrown away. Should the stand-in's
 * answers ever fall behind the API, the commands fail and the cache simply holds less.
 */
final class AotTraining {

    private static final String MACHINE = "{\"id\":\"2aa4e35a000000000000000000000001\",\"primaryIP\":\"127.0.0.2\","
            + "\"metadata\":{\"region\":\"us\"}}";
    private static final String STATE = "{\"name\":\"web@1.service\",\"hash\":\"0123456789abcdef\","
            + "\"machineID\":\"2aa4e35a000000000000000000000001\",\"systemdLoadState\":\"loaded\","
            + "\"systemdActiveState\":\"active\",\"systemdSubState\":\"running\"}";
    private static final String UNIT = "{\"name\":\"web@1.service\",\"options\":[{\"section\":\"Service\","
            + "\"name\":\"ExecStart\",\"value\":\"/bin/sleep 1000\"}],\"desiredState\":\"launched\","
            + "\"currentState\":\"launched\",\"machineID\":\"2aa4e35a000000000000000000000001\"}";

    private AotTraining() {
    }

    public static void main(String[] args) throws IOException {
        HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.createContext("/fleet/v1/", AotTraining::answer);
        api.start();
        try {
            String endpoint = "--endpoint=http://127.0.0.1:" + api.getAddress().getPort();
            for (List<String> command : List.of(List.of("--help"), List.of("--version"), List.of("list-units", "--help"),
                    List.of(endpoint, "list-machines"), List.of(endpoint, "list-unit-files"),
                    List.of(endpoint, "list-units"), List.of(endpoint, "list-units", "--no-legend", "-l"))) {
                Main.run(command.toArray(String[]::new));
            }
        } finally {
            api.stop(0);
        }
    }

    private static void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String body = switch (path) {
            case "/fleet/v1/machines" -> "{\"machines\":[" + MACHINE + "]}";
            case "/fleet/v1/state" -> "{\"states\":[" + STATE + "]}";
            case "/fleet/v1/units" -> "{\"units\":[" + UNIT + "]}";
            default -> null;
        };
        byte[] bytes = (body == null ? "{\"error\":{\"code\":404,\"message\":\"not found\"}}" : body)
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
