package dev.flotilla.cli;

import java.time.Duration;
import java.util.Objects;

/**
 * What an {@link AgentProcessCluster} starts a {@code flotilla agent} with, besides what the cluster decides
 * (the etcd endpoint, the next loopback IP of its subnet, API port 0, a data directory of its own).
 *
 * @param name     the agent's name in the test (also its directory's), e.g. {@code "a"}; unique per cluster
 * @param metadata {@code --metadata} as the user types it ({@code "zone=z1,disk=ssd"}); empty for none
 * @param leaseTtl {@code --lease-ttl}; null takes the cluster's
 * @param proxied  whether the agent reaches etcd through a {@link dev.flotilla.testkit.TcpProxy} of its own, which
 *                 the test can black-hole ({@link AgentProcessCluster#proxyOf}) to cut this agent alone off
 */
record AgentSpec(String name, String metadata, Duration leaseTtl, boolean proxied) {

    AgentSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(metadata, "metadata");
        if (!name.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("an agent name is lower-case letters, digits and dashes: " + name);
        }
        if (leaseTtl != null && (leaseTtl.toSeconds() < 1 || leaseTtl.toMillis() % 1000 != 0)) {
            throw new IllegalArgumentException("--lease-ttl takes whole seconds: " + leaseTtl);
        }
    }

    /** An agent without metadata, on the cluster's lease TTL. */
    static AgentSpec named(String name) {
        return new AgentSpec(name, "", null, false);
    }

    /** The same agent with {@code --metadata metadata} ({@code "k=v,k2=v2"}). */
    AgentSpec metadata(String metadata) {
        return new AgentSpec(name, metadata, leaseTtl, proxied);
    }

    /** The same agent with its own {@code --lease-ttl}. */
    AgentSpec leaseTtl(Duration ttl) {
        return new AgentSpec(name, metadata, ttl, proxied);
    }

    /** The same agent, reaching etcd through a proxy of its own (single-member etcd only). */
    AgentSpec throughProxy() {
        return new AgentSpec(name, metadata, leaseTtl, true);
    }
}
