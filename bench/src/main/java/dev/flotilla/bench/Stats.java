package dev.flotilla.bench;

import java.util.Arrays;
import java.util.Locale;

/** Median and spread of repeated measurements: the figures the benchmark pages quote. */
record Stats(double median, double min, double max, int runs) {

    static Stats of(double[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Stats(median, sorted[0], sorted[n - 1], n);
    }

    /** The value at quantile {@code q} (0..1) of the samples, nearest-rank. */
    static double quantile(double[] samples, double q) {
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    String format(String unit) {
        return String.format(Locale.ROOT, "%,.0f %s (%,.0f–%,.0f, %d runs)", median, unit, min, max, runs);
    }
}
