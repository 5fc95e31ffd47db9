package dev.flotilla.store.etcd;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.etcd.jetcd.Client;
import io.grpc.ManagedChannel;

/**
 * Cuts gRPC's reconnect backoff short. gRPC waits longer and longer between attempts to reach a
 * dead server (1 s growing to 2 min), so after a long etcd outage a client could stay LOST for
 * minutes after etcd is back. While etcd is not answering, each probe first resets that backoff
 * ({@link ManagedChannel#resetConnectBackoff()}), so reconnecting takes about one probe interval.
 *
 * <p>jetcd does not expose its channel; this reaches it by reflection ({@code ClientImpl.connectionManager
 * .getChannel()}, stable since jetcd 0.5). When that fails (another jetcd version) the store works
 * as before, with gRPC's backoff; {@code ReconnectBackoffTest} notices on upgrade.
 */
final class ReconnectBackoff {
    private static final Logger LOG = LoggerFactory.getLogger(ReconnectBackoff.class);

    private ReconnectBackoff() {
    }

    /** A task resetting {@code client}'s reconnect backoff, or empty when its channel cannot be reached. */
    static Optional<Runnable> resetter(Client client) {
        try {
            Field field = client.getClass().getDeclaredField("connectionManager");
            field.setAccessible(true);
            Object manager = field.get(client);
            Method getChannel = manager.getClass().getDeclaredMethod("getChannel");
            getChannel.setAccessible(true);
            return Optional.of(() -> {
                try {
                    ((ManagedChannel) getChannel.invoke(manager)).resetConnectBackoff();
                } catch (ReflectiveOperationException | RuntimeException e) {
                    LOG.debug("cannot reset the gRPC reconnect backoff: {}", e.toString());
                }
            });
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.info("cannot reach jetcd's gRPC channel ({}); reconnects follow gRPC's backoff (up to 2 min)",
                    e.toString());
            return Optional.empty();
        }
    }
}
