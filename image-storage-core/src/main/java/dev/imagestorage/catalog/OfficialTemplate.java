package dev.imagestorage.catalog;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.model.RegionId;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * An official image of the provider, as far as the rules need it: the regions that private images derived from it
 * may be copied to.
 *
 * @param id the catalog id that derived images refer to
 */
public record OfficialTemplate(String id, String name, Set<RegionId> derivedCopyRegions) {
    public OfficialTemplate {
        requireNonNull(id, "id");
        requireNonNull(name, "name");
        requireNonNull(derivedCopyRegions, "derivedCopyRegions");
        if (id.isBlank()) {
            throw new IllegalArgumentException("invalid official template: the id is blank");
        }
        derivedCopyRegions = Collections.unmodifiableSet(new LinkedHashSet<>(derivedCopyRegions));
    }
}
