package dev.flotilla.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;

import dev.flotilla.store.KeyValue;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.Lease;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.etcd.EtcdConfig;
import dev.flotilla.store.etcd.EtcdKvStore;

/**
 * The store work of {@code flotilla kv}: connect to etcd, read or write, close. Kept apart from the picocli
 * command classes so that only a {@code kv} command loads the store and jetcd. A store failure becomes a
 * {@link CliException} with the store's message (exit 2: the store cannot be reached or refused).
 */
final class KvOperations {

    private KvOperations() {
    }

    static int get(EtcdOptions etcd, String key, boolean prefix, PrintWriter out) {
        try (KvStore store = open(etcd)) {
            if (prefix) {
                for (KeyValue kv : store.range(key).kvs()) {
                    out.println(kv.key() + "\t" + kv.valueAsString());
                }
                return ExitCodes.OK;
            }
            Optional<KeyValue> kv = store.get(key);
            if (kv.isEmpty()) {
                throw new CliException(ExitCodes.NOT_FOUND, "key " + key + " not found");
            }
            out.println(kv.get().valueAsString());
            return ExitCodes.OK;
        } catch (StoreException e) {
            throw failed(e);
        }
    }

    static int put(EtcdOptions etcd, String key, String value, Optional<Duration> ttl, PrintWriter out) {
        try (KvStore store = open(etcd)) {
            long lease = Lease.NONE;
            if (ttl.isPresent()) {
                lease = store.grantLease(ttl.get()).id();
            }
            store.put(key, value.getBytes(UTF_8), lease);
            out.println("OK");
            return ExitCodes.OK;
        } catch (StoreException e) {
            throw failed(e);
        }
    }

    static int rm(EtcdOptions etcd, String key, boolean prefix, PrintWriter out) {
        try (KvStore store = open(etcd)) {
            long deleted = prefix ? store.deletePrefix(key) : (store.delete(key) ? 1 : 0);
            if (!prefix && deleted == 0) {
                throw new CliException(ExitCodes.NOT_FOUND, "key " + key + " not found");
            }
            out.println("Deleted " + deleted + (deleted == 1 ? " key" : " keys"));
            return ExitCodes.OK;
        } catch (StoreException e) {
            throw failed(e);
        }
    }

    static int ls(EtcdOptions etcd, String prefix, PrintWriter out) {
        try (KvStore store = open(etcd)) {
            for (KeyValue kv : store.range(prefix).kvs()) {
                out.println(kv.key());
            }
            return ExitCodes.OK;
        } catch (StoreException e) {
            throw failed(e);
        }
    }

    /** The etcd configuration the options describe, with defaults and environment filled in. */
    static EtcdConfig config(EtcdOptions etcd) {
        if (etcd.timeoutSeconds < 1) {
            throw new CliException(ExitCodes.USAGE, "--timeout must be at least 1 second; got " + etcd.timeoutSeconds);
        }
        try {
            Duration timeout = Duration.ofSeconds(etcd.timeoutSeconds);
            EtcdConfig config = EtcdConfig.of(etcd.urls()).withTimeouts(timeout, timeout, timeout.multipliedBy(2));
            if (etcd.tls()) {
                if ((etcd.certFile == null) != (etcd.keyFile == null)) {
                    throw new CliException(ExitCodes.USAGE, etcd.certFile == null
                            ? "--etcd-key-file needs --etcd-cert-file (the client certificate)"
                            : "--etcd-cert-file needs --etcd-key-file (the client certificate's key)");
                }
                config = config.withTls(EtcdOptions.readable(etcd.caFile, "--etcd-ca-file"),
                        EtcdOptions.readable(etcd.certFile, "--etcd-cert-file"),
                        EtcdOptions.readable(etcd.keyFile, "--etcd-key-file"));
            }
            String name = etcd.userName();
            if (name != null) {
                config = config.withCredentials(name, etcd.password(name));
            } else if (etcd.passwordFile != null) {
                throw new CliException(ExitCodes.USAGE, "--etcd-password-file needs --etcd-user (or $FLOTILLA_ETCD_USER): "
                        + "whose password is it?");
            }
            return config;
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
    }

    static KvStore open(EtcdOptions etcd) throws StoreException {
        return EtcdKvStore.connect(config(etcd));
    }

    private static CliException failed(StoreException e) {
        return new CliException(ExitCodes.USAGE, e.getMessage(), e);
    }
}
