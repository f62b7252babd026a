package dev.esteira.monitor.stats;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stored profile of a categorical column: the number of occurrences of each category.
 *
 * <p>Null values are counted in {@code nulls} and never appear as a key of {@code counts}.
 * The constructor checks {@code 0 <= nulls <= count}, that no key or value of {@code counts} is
 * null, that every count is {@code >= 0} and that the counts sum to {@code count - nulls};
 * violations throw {@link IllegalArgumentException}. Categories with a count of zero are allowed
 * and kept. The map is copied into an unmodifiable map sorted by category name.
 */
public record CategoricalSummary(long count, long nulls, Map<String, Long> counts) {

    public CategoricalSummary {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        if (nulls < 0 || nulls > count) {
            throw new IllegalArgumentException("nulls must be in [0, count=" + count + "], got " + nulls);
        }
        if (counts == null) {
            throw new IllegalArgumentException("counts must not be null");
        }
        TreeMap<String, Long> copy = new TreeMap<>();
        long total = 0;
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            if (e.getKey() == null) {
                throw new IllegalArgumentException("category names must not be null (nulls are counted in 'nulls')");
            }
            Long c = e.getValue();
            if (c == null || c < 0) {
                throw new IllegalArgumentException("count of category '" + e.getKey() + "' must be >= 0, got " + c);
            }
            try {
                total = Math.addExact(total, c);
            } catch (ArithmeticException ex) {
                throw new IllegalArgumentException("sum of category counts overflows a long", ex);
            }
            copy.put(e.getKey(), c);
        }
        if (total != count - nulls) {
            throw new IllegalArgumentException("sum of category counts (" + total + ") must equal count - nulls ("
                    + (count - nulls) + ")");
        }
        counts = Collections.unmodifiableMap(copy);
    }

    /** Builds a summary from raw values; a {@code null} element counts as a null value. */
    public static CategoricalSummary of(List<String> values) {
        if (values == null) {
            throw new IllegalArgumentException("values must not be null");
        }
        TreeMap<String, Long> counts = new TreeMap<>();
        long nulls = 0;
        for (String v : values) {
            if (v == null) {
                nulls++;
            } else {
                counts.merge(v, 1L, Long::sum);
            }
        }
        return new CategoricalSummary(values.size(), nulls, counts);
    }
}
