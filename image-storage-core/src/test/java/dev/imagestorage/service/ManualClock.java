package dev.imagestorage.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock in UTC that moves only when a test calls {@link #advance}, safe for use by many threads. The testkit has
 * one too, but the core module's tests can not depend on the testkit, which depends on the core module.
 */
final class ManualClock extends Clock {
    static final Instant START = Instant.parse("2026-06-01T00:00:00Z");

    private final AtomicReference<Instant> now = new AtomicReference<>(START);

    /** Moves the clock forward by {@code amount} and returns the new time. */
    Instant advance(Duration amount) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException("invalid amount " + amount + ": the clock only moves forward");
        }
        return now.updateAndGet(instant -> instant.plus(amount));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (!ZoneOffset.UTC.equals(zone)) {
            throw new UnsupportedOperationException("a ManualClock is always in UTC, not in " + zone);
        }
        return this;
    }
}
