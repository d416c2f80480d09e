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

    /**
     * Edit distance with adjacent transpositions (optimal string alignment): inserting, deleting or replacing
     * one character, or swapping two neighbours, is one edit — so {@code "stae"} is one edit from
     * {@code "state"} and {@code "dueTiems"} one from {@code "dueTimes"}. Case counts.
     */
    public static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
