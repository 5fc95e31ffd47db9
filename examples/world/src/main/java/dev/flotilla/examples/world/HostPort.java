package dev.flotilla.examples.world;

/**
 * An address and port as the world app's options take them ({@code --db 127.0.0.1:3306},
 * {@code --listen 127.0.0.2:18001}); IPv6 addresses in brackets ({@code [::1]:3306}).
 *
 * @param host an IP address or host name, without brackets
 * @param port 1-65535
 */
public record HostPort(String host, int port) {

    public HostPort {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " is not in 1-65535");
        }
    }

    /**
     * Parses {@code HOST:PORT}.
     *
     * @param option the option the value came from, for the error message
     * @throws IllegalArgumentException naming the option and the value
     */
    public static HostPort parse(String value, String option) {
        int colon = value == null ? -1 : value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException(option + " " + value + ": expected HOST:PORT, e.g. 127.0.0.1:3306");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new HostPort(host, Integer.parseInt(value.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " " + value + ": the port is not a number");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " " + value + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
