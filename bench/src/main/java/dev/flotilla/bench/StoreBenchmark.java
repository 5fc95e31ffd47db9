package dev.flotilla.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.flotilla.store.KvStore;
import dev.flotilla.store.Lease;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.Watch;

/**
 * Put, compare-and-set and watch-delivery throughput of one store backend. Each measurement
 * is repeated and reported as median and spread; every run works under its own key prefix.
 */
final class StoreBenchmark {

    /** What one backend achieved. Throughputs in operations (or events) per second. */
    record Result(String backend, Stats putSerial, Stats putConcurrent, Stats casSerial, Stats casContended,
                  Stats watchDelivery, Stats watchLatencyP50Micros, Stats watchLatencyP99Micros) {
    }

    private final int ops;
    private final int runs;
    private final int concurrency;

    StoreBenchmark(int ops, int runs, int concurrency) {
        this.ops = ops;
        this.runs = runs;
        this.concurrency = concurrency;
    }

    Result measure(String backend, KvStore store) throws Exception {
        // One unmeasured round warms up the JIT and the connection.
        putSerial(store, "/bench/warmup/");
        double[] putSerial = new double[runs];
        double[] putConcurrent = new double[runs];
        double[] casSerial = new double[runs];
        double[] casContended = new double[runs];
        double[] watch = new double[runs];
        double[] p50 = new double[runs];
        double[] p99 = new double[runs];
        for (int run = 0; run < runs; run++) {
            String prefix = "/bench/" + System.nanoTime() + "/";
            putSerial[run] = putSerial(store, prefix + "ps/");
            putConcurrent[run] = putConcurrent(store, prefix + "pc/");
            casSerial[run] = casSerial(store, prefix + "cs/");
            casContended[run] = casContended(store, prefix + "cc");
            double[] watchFigures = watchDelivery(store, prefix + "w/");
            watch[run] = watchFigures[0];
            p50[run] = watchFigures[1];
            p99[run] = watchFigures[2];
            store.deletePrefix(prefix);
        }
        return new Result(backend, Stats.of(putSerial), Stats.of(putConcurrent), Stats.of(casSerial),
                Stats.of(casContended), Stats.of(watch), Stats.of(p50), Stats.of(p99));
    }

    private double putSerial(KvStore store, String prefix) throws StoreException {
        byte[] value = new byte[100];
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            store.put(prefix + i, value);
        }
        return perSecond(ops, start);
    }

    private double putConcurrent(KvStore store, String prefix) throws Exception {
        byte[] value = new byte[100];
        int perThread = ops / concurrency;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < concurrency; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        store.put(prefix + thread + "/" + i, value);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            return perSecond(perThread * concurrency, start);
        }
    }

    /** Create-if-absent on fresh keys: every CAS succeeds, so this is the cost of the compare itself. */
    private double casSerial(KvStore store, String prefix) throws StoreException {
        byte[] value = new byte[100];
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            if (!store.compareAndPut(prefix + i, 0, value, Lease.NONE)) {
                throw new IllegalStateException("CAS on a fresh key failed");
            }
        }
        return perSecond(ops, start);
    }

    /** Read-modify-CAS increments of one counter from several threads: successful increments per second. */
    private double casContended(KvStore store, String key) throws Exception {
        store.put(key, "0".getBytes(UTF_8));
        int perThread = Math.max(1, ops / 10 / concurrency);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < concurrency; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        while (true) {
                            var kv = store.get(key).orElseThrow();
                            long next = Long.parseLong(kv.valueAsString()) + 1;
                            if (store.compareAndPut(key, kv.modRevision(), Long.toString(next).getBytes(UTF_8),
                                    Lease.NONE)) {
                                break;
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            double rate = perSecond(perThread * concurrency, start);
            long total = Long.parseLong(store.get(key).orElseThrow().valueAsString());
            if (total != (long) perThread * concurrency) {
                throw new IllegalStateException("lost update: counter " + total);
            }
            return rate;
        }
    }

    /**
     * Events per second from the first put to the last event delivered, with concurrent writers,
     * and the put-to-delivery latency quantiles in microseconds.
     */
    private double[] watchDelivery(KvStore store, String prefix) throws Exception {
        CountDownLatch done = new CountDownLatch(ops);
        long[] latencies = new long[ops];
        AtomicInteger seen = new AtomicInteger();
        int perThread = ops / concurrency;
        int total = perThread * concurrency;
        try (Watch ignored = store.watch(prefix, true, 0, events -> {
            long now = System.nanoTime();
            for (var event : events) {
                int index = seen.getAndIncrement();
                if (index < latencies.length) {
                    latencies[index] = now - Long.parseLong(event.kv().valueAsString());
                }
                done.countDown();
            }
        }); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            long start = System.nanoTime();
            for (int t = 0; t < concurrency; t++) {
                int thread = t;
                pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        store.put(prefix + thread + "/" + i, Long.toString(System.nanoTime()).getBytes(UTF_8));
                    }
                    return null;
                });
            }
            for (int i = total; i < ops; i++) {
                done.countDown();
            }
            if (!done.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("watch delivered " + seen.get() + " of " + total + " events");
            }
            double rate = perSecond(total, start);
            double[] micros = new double[total];
            for (int i = 0; i < total; i++) {
                micros[i] = latencies[i] / 1_000.0;
            }
            return new double[] {rate, Stats.quantile(micros, 0.50), Stats.quantile(micros, 0.99)};
        }
    }

    private static double perSecond(int count, long startNanos) {
        return count / ((System.nanoTime() - startNanos) / 1e9);
    }

    /**
     * The page section: the table, the embedded store's ratios to etcd (the peer measured in the
     * same run), and two charts: throughput per operation and backend, and watch latency.
     */
    static Section section(List<Result> results, int ops, int runs, int concurrency) {
        StringBuilder md = new StringBuilder(markdown(results, ops, runs, concurrency));
        Result etcd = results.stream().filter(r -> r.backend().startsWith("etcd")).findFirst().orElse(null);
        if (etcd != null) {
            md.append("\nRatios to etcd in the same run (medians):\n\n| backend | put, 1 client | put, ").append(concurrency)
                    .append(" clients | CAS create | CAS increment | watch delivery |\n|---|---|---|---|---|---|\n");
            for (Result r : results) {
                if (r != etcd) {
                    md.append(String.format(Locale.ROOT, "| %s | %.1f× | %.1f× | %.1f× | %.1f× | %.1f× |%n", r.backend(),
                            r.putSerial().median() / etcd.putSerial().median(),
                            r.putConcurrent().median() / etcd.putConcurrent().median(),
                            r.casSerial().median() / etcd.casSerial().median(),
                            r.casContended().median() / etcd.casContended().median(),
                            r.watchDelivery().median() / etcd.watchDelivery().median()));
                }
            }
        }
        List<Chart.Bar> throughput = new ArrayList<>();
        List<Chart.Bar> latency = new ArrayList<>();
        for (Result r : results) {
            throughput.add(Chart.Bar.of("put, 1 client", r.backend(), r.putSerial()));
            throughput.add(Chart.Bar.of("put, " + concurrency + " clients", r.backend(), r.putConcurrent()));
            throughput.add(Chart.Bar.of("CAS create", r.backend(), r.casSerial()));
            throughput.add(Chart.Bar.of("CAS increment, " + concurrency + " contending", r.backend(), r.casContended()));
            throughput.add(Chart.Bar.of("watch delivery", r.backend(), r.watchDelivery()));
            latency.add(Chart.Bar.of("p50", r.backend(), scaled(r.watchLatencyP50Micros(), 1e-3)));
            latency.add(Chart.Bar.of("p99", r.backend(), scaled(r.watchLatencyP99Micros(), 1e-3)));
        }
        return new Section("store", "Store: put, CAS and watch delivery", md.toString(), List.of(
                Chart.bars("throughput", "Store operations per second (median, whiskers cover min..max)", "operation",
                        "operations/s", throughput),
                Chart.bars("watch-latency", "Watch delivery latency, put to event (median of runs)", "quantile", "ms",
                        latency)));
    }

    private static Stats scaled(Stats stats, double factor) {
        return new Stats(stats.median() * factor, stats.min() * factor, stats.max() * factor, stats.runs());
    }

    static String markdown(List<Result> results, int ops, int runs, int concurrency) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT,
                "%,d operations per measurement, %d runs each (median, min–max); %d concurrent clients where concurrent.%n%n",
                ops, runs, concurrency));
        md.append("| backend | put, 1 client | put, ").append(concurrency).append(" clients | CAS create, 1 client | CAS increment, ")
                .append(concurrency).append(" clients contending | watch delivery | watch latency p50 | watch latency p99 |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            md.append("| ").append(r.backend())
                    .append(" | ").append(r.putSerial().format("/s"))
                    .append(" | ").append(r.putConcurrent().format("/s"))
                    .append(" | ").append(r.casSerial().format("/s"))
                    .append(" | ").append(r.casContended().format("/s"))
                    .append(" | ").append(r.watchDelivery().format("events/s"))
                    .append(" | ").append(r.watchLatencyP50Micros().format("µs"))
                    .append(" | ").append(r.watchLatencyP99Micros().format("µs"))
                    .append(" |\n");
        }
        return md.toString();
    }
}
