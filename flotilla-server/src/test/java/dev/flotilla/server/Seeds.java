package dev.flotilla.server;

import java.util.Random;
import java.util.stream.LongStream;

/**
 * Seeds for generated-input tests: a fixed master seed (runs are reproducible), overridable with
 * {@code -Dflotilla.seed=N}; every failure names the per-case seed. {@code -Dflotilla.fuzz.count=N} runs more
 * (or fewer) cases.
 */
final class Seeds {

    private Seeds() {
    }

    static LongStream of(String test, int count) {
        long master = Long.getLong("flotilla.seed", 0x5EED_A91L) ^ test.hashCode();
        Random r = new Random(master);
        return LongStream.generate(r::nextLong).limit(Integer.getInteger("flotilla.fuzz.count", count));
    }
}
