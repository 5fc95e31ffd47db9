package dev.flotilla.lb.haproxy;

/**
 * One server of an HAProxy backend as {@code show servers state} reports it. The states are
 * HAProxy's own numbers, kept raw so nothing is lost in translation; the methods name the bits
 * {@link HaproxySync} acts on.
 *
 * @param name the server's name in its backend
 * @param address the address HAProxy connects to (an IP)
 * @param port the port HAProxy connects to
 * @param operationalState {@code srv_op_state}: 0 stopped, 1 starting, 2 running, 3 stopping
 * @param adminState {@code srv_admin_state}: a bit set, 0x01 forced maintenance, 0x02 inherited
 *     maintenance, 0x04 maintenance from the configuration, 0x08 forced drain, 0x10 inherited drain,
 *     0x20 maintenance because its address did not resolve, 0x40 maintenance from a hostname
 */
public record HaproxyServer(String name, String address, int port, int operationalState, int adminState) {
    private static final int FORCED_MAINTENANCE = 0x01;
    private static final int ANY_MAINTENANCE = 0x01 | 0x02 | 0x04 | 0x20 | 0x40;
    private static final int FORCED_DRAIN = 0x08;

    /** In maintenance, for whatever reason: it gets no traffic. */
    public boolean inMaintenance() {
        return (adminState & ANY_MAINTENANCE) != 0;
    }

    /** Put in maintenance through the Runtime API (or added and never enabled). */
    public boolean inForcedMaintenance() {
        return (adminState & FORCED_MAINTENANCE) != 0;
    }

    /** Set to drain through the Runtime API: it gets no new traffic except persistent sessions. */
    public boolean draining() {
        return (adminState & FORCED_DRAIN) != 0;
    }

    /** Neither in maintenance nor draining: HAProxy sends it traffic when its checks (if any) pass. */
    public boolean ready() {
        return !inMaintenance() && !draining();
    }
}
