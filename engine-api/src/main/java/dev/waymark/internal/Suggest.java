package dev.waymark.internal;

import java.util.Collection;

/**
 * "Did you mean" for a misspelt name: the closest of the known names by edit distance, when it is close
 * enough to be a likely typo. Stateless and thread-safe.
 */
public final class Suggest {
    private Suggest() {
    }

    /**
     * The name of {@code known} closest to {@code name} — at most 2 edits away, and fewer than half its
     * length — or {@code null} when none is; ties go to the first in iteration order, so a sorted
     * collection gives a stable answer.
     */
    public static String closest(String name, Collection<String> known) {
        String best = null;
        int bestDistance = Math.min(3, Math.max(1, (name.length() + 1) / 2));
        for (String k : known) {
            int d = distance(name, k);
            if (d < bestDistance && !k.equals(name)) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance (insert, delete, replace one character). */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int replace = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(replace, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
