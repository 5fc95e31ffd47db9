package dev.flotilla.engine.scheduler;

import java.util.Random;
import java.util.stream.LongStream;

/**
 * Seeds for generated-input tests: a fixed master seed (so runs are reproducible), overridable
 * with {@code -Dflotilla.seed=N}; every failure message names the per-case seed.
 */
final class Seeds {

    private Seeds() {}

    static LongStream of(String test, int count) {
        long master = Long.getLong("flotilla.seed", 0x5EED_F1EE7L) ^ test.hashCode();
        Random r = new Random(master);
        return LongStream.generate(r::nextLong).limit(count);
    }
}
