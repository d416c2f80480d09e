package dev.waymark.internal;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Where one contact stands in each journey (multi-step flows defined as data), bounded: per journey the
 * counts and instants re-entry and the report need, the steps ever reached, and the path of the active run
 * only. A finished run leaves nothing else behind. An immutable value, safe to share between threads.
 *
 * @param journeys one entry per journey the contact ever entered, sorted by journey id
 */
public record JourneyRuns(List<Journey> journeys) {

    /** No journey entered yet. */
    public static final JourneyRuns NONE = new JourneyRuns(List.of());

    /** The most step ids remembered per journey, for the steps reached and for the active run's path. */
    public static final int MAX_STEPS = 256;

    public JourneyRuns {
        journeys = List.copyOf(journeys);
    }

    /** The entry of {@code journey}, or {@code null} when the contact never entered it. */
    public Journey of(String journey) {
        for (Journey j : journeys) {
            if (j.journey().equals(journey)) {
                return j;
            }
        }
        return null;
    }

    /**
     * One contact in one journey.
     *
     * @param journey   the journey id
     * @param entries   runs started
     * @param completed runs that reached the end
     * @param exited    runs ended by the exit event or condition
     * @param lastEntry the entry instant of the latest run, {@code null} before the first
     * @param lastEnd   when the latest finished run ended, {@code null} if none finished
     * @param reached   step ids reached in any run, sorted, at most {@link #MAX_STEPS}
     * @param active    the run in progress, {@code null} when none
     */
    public record Journey(String journey, long entries, long completed, long exited, Instant lastEntry,
                          Instant lastEnd, List<String> reached, Active active) {
        public Journey {
            Objects.requireNonNull(journey, "journey");
            reached = reached == null ? List.of() : List.copyOf(reached);
            if (entries < 0 || completed < 0 || exited < 0) {
                throw new IllegalArgumentException("journey counts must be >= 0");
            }
        }
    }

    /**
     * The run in progress.
     *
     * @param entryAt  its entry instant (the first part of its actions' keys)
     * @param step     the step it is at
     * @param stepTime when it reached that step
     * @param held     whether the step is a send a delivery policy withheld (it is tried again at the next evaluation)
     * @param path     the steps passed and the current one, with the instant each was reached, at most {@link #MAX_STEPS}
     */
    public record Active(Instant entryAt, String step, Instant stepTime, boolean held, List<Visit> path) {
        public Active {
            Objects.requireNonNull(entryAt, "entryAt");
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(stepTime, "stepTime");
            path = path == null ? List.of() : List.copyOf(path);
        }
    }

    /** A step reached, and when. */
    public record Visit(String step, Instant at) {
        public Visit {
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(at, "at");
        }
    }
}
