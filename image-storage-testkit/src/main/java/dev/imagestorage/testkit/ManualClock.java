package dev.imagestorage.testkit;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock in UTC that does not move until a test calls {@link #advance}. It is safe for use by many threads. */
public final class ManualClock extends Clock {
    private final AtomicReference<Instant> now;

    /** Creates a clock that shows {@code start}. */
    public ManualClock(Instant start) {
        this.now = new AtomicReference<>(requireNonNull(start, "start"));
    }

    /** Moves the clock forward by {@code amount}, which must not be negative. */
    public void advance(Duration amount) {
        requireNonNull(amount, "amount");
        if (amount.isNegative()) {
            throw new IllegalArgumentException("invalid amount " + amount + ": a clock only moves forward");
        }
        now.updateAndGet(instant -> instant.plus(amount));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** Returns this clock, because a manual clock is always in UTC. */
    @Override
    public Clock withZone(ZoneId zone) {
        if (!ZoneOffset.UTC.equals(zone)) {
            throw new UnsupportedOperationException(
                    "a ManualClock is always in UTC, so zone " + zone + " is not supported");
        }
        return this;
    }
}
