package dev.imagestorage.catalog;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.model.RegionId;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a provider changes without a release: the regions that exist and the limits. Immutable.
 *
 * <p>{@link #defaults()} has the regions JP1, JP2, JP4, JP5 and JP6 and the {@linkplain Limits#defaults() default
 * limits}.
 */
public final class Catalog {
    private final Set<RegionId> regions;
    private final Limits limits;

    private Catalog(Set<RegionId> regions, Limits limits) {
        requireNonNull(regions, "regions");
        requireNonNull(limits, "limits");
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("invalid catalog: it must list at least one region");
        }
        this.regions = Collections.unmodifiableSet(new LinkedHashSet<>(regions));
        this.limits = limits;
    }

    public static Catalog defaults() {
        return new Catalog(
                new LinkedHashSet<>(List.of(
                        RegionId.of("JP1"), RegionId.of("JP2"), RegionId.of("JP4"), RegionId.of("JP5"),
                        RegionId.of("JP6"))),
                Limits.defaults());
    }

    public static Catalog of(Set<RegionId> regions, Limits limits) {
        return new Catalog(regions, limits);
    }

    /** The regions, in the order they were listed. */
    public Set<RegionId> regions() {
        return regions;
    }

    public boolean hasRegion(RegionId region) {
        return regions.contains(region);
    }

    public Limits limits() {
        return limits;
    }

    /** Returns a catalog with {@code region} added after the existing ones. */
    public Catalog withRegion(RegionId region) {
        Set<RegionId> more = new LinkedHashSet<>(regions);
        more.add(requireNonNull(region, "region"));
        return new Catalog(more, limits);
    }

    public Catalog withLimits(Limits newLimits) {
        return new Catalog(regions, newLimits);
    }

    @Override
    public String toString() {
        return "Catalog[regions=" + regions + ", limits=" + limits + "]";
    }
}
