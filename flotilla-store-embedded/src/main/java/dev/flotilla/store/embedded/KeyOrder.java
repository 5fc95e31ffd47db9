package dev.flotilla.store.embedded;

import java.util.Comparator;

/**
 * Orders keys by Unicode code point, which is the order of their UTF-8 bytes: the order etcd
 * sorts keys in. {@link String#compareTo} compares UTF-16 code units instead, which puts
 * supplementary characters (emoji, for one) before U+E000..U+FFFF; ranges would then come back in
 * a different order from the etcd backend. Stateless, so thread-safe.
 */
enum KeyOrder implements Comparator<String> {
    INSTANCE;

    @Override
    public int compare(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                if (x >= 0xD800 && y >= 0xD800) {
                    // Surrogates (D800..DFFF) encode code points above FFFF: move them above E000..FFFF.
                    return fixUp(x) - fixUp(y);
                }
                return x - y;
            }
        }
        return a.length() - b.length();
    }

    private static int fixUp(char c) {
        return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }
}
