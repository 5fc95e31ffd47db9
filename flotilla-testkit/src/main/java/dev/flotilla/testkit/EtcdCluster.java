package dev.flotilla.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A real etcd cluster of N members on 127.0.0.1 with a static initial cluster, for tests. The
 * members start together and {@link #start(int)} returns once each serves (a leader is elected).
 * Members can be killed and restarted one by one through {@link #member(int)}. Closing kills every
 * member and deletes their data. Thread-safe as far as {@link EtcdServer} is.
 */
public final class EtcdCluster implements AutoCloseable {
    private static final int START_ATTEMPTS = 3;

    private final List<EtcdServer> members;

    private EtcdCluster(List<EtcdServer> members) {
        this.members = List.copyOf(members);
    }

    /**
     * Starts {@code size} members in parallel and waits until all of them serve.
     *
     * @throws IllegalStateException when etcd is not installed or a member does not become
     *     healthy within 30 s (the message holds the tail of its log)
     */
    public static EtcdCluster start(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a cluster needs at least one member, not " + size);
        }
        Path binary = EtcdBinary.locate();
        for (int attempt = 1; ; attempt++) {
            List<EtcdServer> members = create(binary, size);
            try {
                members.forEach(EtcdServer::launch);
                members.forEach(EtcdServer::awaitHealthy);
                return new EtcdCluster(members);
            } catch (IllegalStateException e) {
                boolean portTaken = members.stream().anyMatch(EtcdServer::portWasTaken);
                members.forEach(EtcdServer::close);
                if (!portTaken || attempt == START_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static List<EtcdServer> create(Path binary, int size) {
        Path root = WorkDirs.create("etcd-cluster");
        List<String> names = new ArrayList<>();
        List<Integer> peerPorts = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            names.add("m" + i);
            peerPorts.add(FreePorts.next());
        }
        String initialCluster = IntStream.range(0, size)
                .mapToObj(i -> names.get(i) + "=http://127.0.0.1:" + peerPorts.get(i))
                .collect(Collectors.joining(","));
        List<EtcdServer> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            MemberSpec spec = new MemberSpec(names.get(i), root.resolve(names.get(i)), FreePorts.next(),
                    peerPorts.get(i), FreePorts.next(), initialCluster, root.getFileName().toString(), null);
            members.add(new EtcdServer(binary, spec));
        }
        return members;
    }

    /** The client URLs of every member, in member order. */
    public List<String> endpoints() {
        return members.stream().map(EtcdServer::endpoint).toList();
    }

    /** Member {@code index} (0-based), to kill, stop or restart it. */
    public EtcdServer member(int index) {
        return members.get(index);
    }

    /** The number of members. */
    public int size() {
        return members.size();
    }

    /** Kills every member and deletes their data directories. Idempotent. */
    @Override
    public void close() {
        members.forEach(EtcdServer::close);
    }

    @Override
    public String toString() {
        return "EtcdCluster" + endpoints();
    }
}
