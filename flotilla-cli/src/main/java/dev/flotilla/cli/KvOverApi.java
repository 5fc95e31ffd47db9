package dev.flotilla.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.KvEntry;

/**
 * {@code flotilla kv ... --endpoint URL}: the same commands and output as {@link KvOperations}, answered by an
 * agent's {@code /v1/kv} API instead of etcd, so that they work wherever an agent runs (dev mode too, which has
 * no etcd) and a unit's sidekick needs no etcd credentials. A key without a leading {@code /} gets one, as
 * etcdctl v2 did ({@code services/x} is {@code /services/x}). Loads the API client only.
 */
final class KvOverApi {

    private KvOverApi() {
    }

    /** Whether a kv command goes to the API: an endpoint was given on its command line (or before it). */
    static boolean chosen(ApiOptions api, EtcdOptions etcd) {
        boolean endpoint = api.endpointGiven();
        if (endpoint && etcd.endpoints != null) {
            throw new CliException(ExitCodes.USAGE, "give --endpoint (an agent's API) or --etcd (etcd itself), not both");
        }
        return endpoint;
    }

    static int get(FleetClient client, String key, boolean prefix, PrintWriter out) throws ApiException {
        if (prefix) {
            for (KvEntry kv : client.kvList(absolute(key))) {
                out.println(kv.key() + "\t" + kv.value());
            }
            return ExitCodes.OK;
        }
        Optional<KvEntry> kv = client.kvGet(absolute(key));
        if (kv.isEmpty()) {
            throw new CliException(ExitCodes.NOT_FOUND, "key " + absolute(key) + " not found");
        }
        out.println(kv.get().value());
        return ExitCodes.OK;
    }

    static int put(FleetClient client, String key, String value, Optional<Duration> ttl, PrintWriter out)
            throws ApiException {
        client.kvPut(absolute(key), value, ttl.orElse(null));
        out.println("OK");
        return ExitCodes.OK;
    }

    static int rm(FleetClient client, String key, boolean prefix, PrintWriter out) throws ApiException {
        long deleted = prefix ? client.kvDeletePrefix(absolute(key)) : client.kvDelete(absolute(key)) ? 1 : 0;
        if (!prefix && deleted == 0) {
            throw new CliException(ExitCodes.NOT_FOUND, "key " + absolute(key) + " not found");
        }
        out.println("Deleted " + deleted + (deleted == 1 ? " key" : " keys"));
        return ExitCodes.OK;
    }

    static int ls(FleetClient client, String prefix, PrintWriter out) throws ApiException {
        for (KvEntry kv : client.kvList(absolute(prefix))) {
            out.println(kv.key());
        }
        return ExitCodes.OK;
    }

    private static String absolute(String key) {
        return key.startsWith("/") ? key : "/" + key;
    }
}
