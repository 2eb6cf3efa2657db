package dev.imagestorage.catalog;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.OsFamily;
import dev.imagestorage.model.RegionId;
import java.time.LocalDate;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An operating system the provider handles licenses for: the license forms it offers and the regions where each is
 * offered. Only 64-bit editions are eligible.
 *
 * @param product the product name, such as "Windows Server 2012 R2 Standard"
 * @param minimumServicePack the lowest eligible service pack level
 * @param extendedSupportEnd the last day of the vendor's extended support, after which the provider's support ends
 * @param licenseOffers for each license form offered, the regions where it is offered; a form offered nowhere is
 *     absent or maps to an empty set
 */
public record OsOffer(
        String product,
        OsFamily family,
        int minimumServicePack,
        Optional<LocalDate> extendedSupportEnd,
        Map<LicenseType, Set<RegionId>> licenseOffers) {

    public OsOffer {
        requireNonNull(product, "product");
        requireNonNull(family, "family");
        requireNonNull(extendedSupportEnd, "extendedSupportEnd");
        requireNonNull(licenseOffers, "licenseOffers");
        if (product.isBlank()) {
            throw new IllegalArgumentException("invalid operating system offer: the product name is blank");
        }
        if (minimumServicePack < 0) {
            throw new IllegalArgumentException("invalid minimum service pack " + minimumServicePack + " for "
                    + product + ": it must be 0 or more");
        }
        EnumMap<LicenseType, Set<RegionId>> copy = new EnumMap<>(LicenseType.class);
        licenseOffers.forEach((type, regions) ->
                copy.put(type, Collections.unmodifiableSet(new LinkedHashSet<>(regions))));
        licenseOffers = Collections.unmodifiableMap(copy);
    }

    /** The regions where {@code type} is offered for this operating system; empty when it is offered nowhere. */
    public Set<RegionId> regionsOffering(LicenseType type) {
        return licenseOffers.getOrDefault(type, Set.of());
    }

    public boolean offers(LicenseType type, RegionId region) {
        return regionsOffering(type).contains(region);
    }

    /** The license forms offered in at least one region. */
    public Set<LicenseType> offeredForms() {
        Set<LicenseType> forms = new LinkedHashSet<>();
        licenseOffers.forEach((type, regions) -> {
            if (!regions.isEmpty()) {
                forms.add(type);
            }
        });
        return forms;
    }
}
