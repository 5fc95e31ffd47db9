package dev.flotilla.unit;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Objects;

/**
 * One {@code PublishPort=} mapping, {@code [ip:][hostPort:]containerPort[/protocol]}:
 * {@code 8080:80}, {@code 127.0.0.1:8080:80}, {@code 10.0.0.1::80} (any host port),
 * {@code [::1]:8080:80/udp}, {@code 80} (any host port on every address). Immutable.
 *
 * @param hostIp the host address to bind, without brackets; empty for every address
 * @param hostPort the host port, 1-65535; 0 when the engine picks one
 * @param containerPort the container port, 1-65535
 * @param protocol the protocol
 */
public record PortMapping(String hostIp, int hostPort, int containerPort, Protocol protocol) {

    /** Transport protocol of a published port. */
    public enum Protocol {
        /** TCP, the default. */
        TCP,
        /** UDP. */
        UDP,
        /** SCTP. */
        SCTP;

        /** The lowercase name, as written after the slash. */
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Validates the mapping.
     *
     * @throws IllegalArgumentException when a port is out of range or the address is not an IP literal
     */
    public PortMapping {
        Objects.requireNonNull(hostIp, "hostIp");
        Objects.requireNonNull(protocol, "protocol");
        if (hostPort < 0 || hostPort > 65535 || containerPort < 1 || containerPort > 65535) {
            throw new IllegalArgumentException("port out of range: " + hostPort + ":" + containerPort);
        }
        if (!hostIp.isEmpty() && !isIpLiteral(hostIp)) {
            throw new IllegalArgumentException("not an IP address: " + Text.quote(hostIp));
        }
    }

    /**
     * Parses Quadlet's {@code PublishPort=} syntax. Port ranges are not supported: write one
     * {@code PublishPort=} per port.
     *
     * @throws ValueSyntaxException naming the bad part (address, port, protocol)
     */
    public static PortMapping parse(String value) {
        String v = value;
        Protocol protocol = Protocol.TCP;
        int slash = v.lastIndexOf('/');
        if (slash >= 0) {
            String p = v.substring(slash + 1);
            protocol = switch (p) {
                case "tcp" -> Protocol.TCP;
                case "udp" -> Protocol.UDP;
                case "sctp" -> Protocol.SCTP;
                default -> throw new ValueSyntaxException(slash + 1, "unknown protocol " + Text.quote(p)
                        + "; use tcp, udp or sctp");
            };
            v = v.substring(0, slash);
        }
        String ip = "";
        String rest = v;
        int restAt = 0;
        if (v.startsWith("[")) {
            int close = v.indexOf(']');
            if (close < 0 || close + 1 >= v.length() || v.charAt(close + 1) != ':') {
                throw new ValueSyntaxException(0, "an IPv6 address is written [addr]:hostPort:containerPort");
            }
            ip = v.substring(1, close);
            if (!ip.contains(":") || !isIpLiteral(ip)) {
                throw new ValueSyntaxException(1, "not an IPv6 address: " + Text.quote(ip));
            }
            rest = v.substring(close + 2);
            restAt = close + 2;
            if (rest.indexOf(':') < 0) {
                throw new ValueSyntaxException(restAt, "after an address, write hostPort:containerPort "
                        + "(hostPort may be empty: [addr]::80)");
            }
        }
        String[] parts = rest.split(":", -1);
        if (parts.length > 3 || parts.length == 3 && !ip.isEmpty()) {
            throw new ValueSyntaxException(0, "expected [ip:][hostPort:]containerPort[/protocol], got "
                    + Text.quote(value) + " (IPv6 addresses go in brackets)");
        }
        if (parts.length == 3) {
            ip = parts[0];
            if (ip.isEmpty() || !isIpLiteral(ip) || ip.contains(":")) {
                throw new ValueSyntaxException(0, "not an IPv4 address: " + Text.quote(ip));
            }
            restAt = ip.length() + 1;
        }
        int hostPort = 0;
        if (parts.length >= 2) {
            String h = parts[parts.length - 2];
            if (!h.isEmpty() || ip.isEmpty()) {
                hostPort = port(h, restAt, "host port", 1);
            }
            restAt += h.length() + 1;
        }
        int containerPort = port(parts[parts.length - 1], restAt, "container port", 1);
        return new PortMapping(ip, hostPort, containerPort, protocol);
    }

    /** {@code [ip:][hostPort:]containerPort/protocol}, which {@link #parse} reads back. */
    @Override
    public String toString() {
        String host = hostIp.isEmpty() ? "" : (hostIp.contains(":") ? "[" + hostIp + "]" : hostIp) + ":";
        String hp = hostPort == 0 ? (hostIp.isEmpty() ? "" : ":") : hostPort + ":";
        return host + hp + containerPort + "/" + protocol;
    }

    private static int port(String s, int offset, String what, int min) {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            String hint = s.contains("-") ? " (port ranges are not supported; write one PublishPort= per port)" : "";
            throw new ValueSyntaxException(offset, what + " must be a number 1-65535, got " + Text.quote(s) + hint);
        }
        int p = Integer.parseInt(s);
        if (p < min || p > 65535) {
            throw new ValueSyntaxException(offset, what + " must be 1-65535, got " + p);
        }
        return p;
    }

    /** An IPv4 dotted quad or an IPv6 literal; never a host name (no DNS lookups). */
    static boolean isIpLiteral(String s) {
        if (s.isEmpty() || !s.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == ':'))) {
            return false;
        }
        if (!s.contains(":")) {
            String[] octets = s.split("\\.", -1);
            if (octets.length != 4) {
                return false;
            }
            for (String o : octets) {
                if (o.isEmpty() || o.length() > 3 || !o.chars().allMatch(Character::isDigit) || Integer.parseInt(o) > 255) {
                    return false;
                }
            }
            return true;
        }
        try {
            InetAddress.ofLiteral(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
