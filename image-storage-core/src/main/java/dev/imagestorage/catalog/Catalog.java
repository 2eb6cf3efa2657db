package dev.imagestorage.catalog;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.OperatingSystem;
import dev.imagestorage.model.OsFamily;
import dev.imagestorage.model.RegionId;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The settings a provider changes without a release: the regions, the limits, the operating systems whose licenses the
 * provider handles and where each license form is offered, and the official templates with the regions their
 * derived images may be copied to. Immutable.
 *
 * <p>{@link #defaults()} has the regions JP1, JP2, JP4, JP5 and JP6, the {@linkplain Limits#defaults() default
 * limits}, the eligible Windows Server editions and Red Hat Enterprise Linux, and no official templates.
 * {@link CatalogJson} reads a catalog from a JSON document.
 */
public final class Catalog {
    private final Set<RegionId> regions;
    private final Limits limits;
    private final List<OsOffer> operatingSystems;
    private final Map<String, OfficialTemplate> officialTemplates;

    private Catalog(
            Set<RegionId> regions, Limits limits, List<OsOffer> operatingSystems,
            Map<String, OfficialTemplate> officialTemplates) {
        requireNonNull(regions, "regions");
        requireNonNull(limits, "limits");
        requireNonNull(operatingSystems, "operatingSystems");
        requireNonNull(officialTemplates, "officialTemplates");
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("invalid catalog: it must list at least one region");
        }
        this.regions = Collections.unmodifiableSet(new LinkedHashSet<>(regions));
        this.limits = limits;
        this.operatingSystems = List.copyOf(operatingSystems);
        this.officialTemplates = Collections.unmodifiableMap(new LinkedHashMap<>(officialTemplates));
        checkRegionsKnown();
    }

    public static Catalog defaults() {
        Set<RegionId> regions = new LinkedHashSet<>(List.of(
                RegionId.of("JP1"), RegionId.of("JP2"), RegionId.of("JP4"), RegionId.of("JP5"), RegionId.of("JP6")));
        return new Catalog(regions, Limits.defaults(), defaultOperatingSystems(regions), Map.of());
    }

    /** Creates a catalog with these regions and limits, the default operating systems and no official templates. */
    public static Catalog of(Set<RegionId> regions, Limits limits) {
        return new Catalog(regions, limits, defaultOperatingSystems(regions), Map.of());
    }

    /**
     * A catalog with every part given.
     *
     * @throws IllegalArgumentException when an offer or template names a region that is not in {@code regions}
     */
    public static Catalog of(
            Set<RegionId> regions, Limits limits, List<OsOffer> operatingSystems,
            List<OfficialTemplate> officialTemplates) {
        Map<String, OfficialTemplate> byId = new LinkedHashMap<>();
        for (OfficialTemplate template : officialTemplates) {
            if (byId.put(template.id(), template) != null) {
                throw new IllegalArgumentException("invalid catalog: official template id '" + template.id()
                        + "' is listed twice");
            }
        }
        return new Catalog(regions, limits, operatingSystems, byId);
    }

    /** Returns the regions, in the order they were listed. */
    public Set<RegionId> regions() {
        return regions;
    }

    public boolean hasRegion(RegionId region) {
        return regions.contains(region);
    }

    public Limits limits() {
        return limits;
    }

    /** Returns the operating systems whose licenses the provider handles, in the order they were listed. */
    public List<OsOffer> operatingSystems() {
        return operatingSystems;
    }

    /**
     * Finds the offer that applies to {@code os}: for Red Hat Enterprise Linux the first offer of that family, for
     * other families the offer whose product name equals the declared one, ignoring case.
     */
    public Optional<OsOffer> findOffer(OperatingSystem os) {
        for (OsOffer offer : operatingSystems) {
            if (offer.family() != os.family()) {
                continue;
            }
            if (os.family() == OsFamily.RED_HAT_ENTERPRISE_LINUX
                    || offer.product().toLowerCase(Locale.ROOT).equals(os.product().toLowerCase(Locale.ROOT))) {
                return Optional.of(offer);
            }
        }
        return Optional.empty();
    }

    /** Returns the official templates by id, in the order they were listed. */
    public Map<String, OfficialTemplate> officialTemplates() {
        return officialTemplates;
    }

    public Optional<OfficialTemplate> findOfficialTemplate(String id) {
        return Optional.ofNullable(officialTemplates.get(id));
    }

    /** Returns a catalog with {@code region} added after the existing ones. */
    public Catalog withRegion(RegionId region) {
        Set<RegionId> more = new LinkedHashSet<>(regions);
        more.add(requireNonNull(region, "region"));
        return new Catalog(more, limits, operatingSystems, officialTemplates);
    }

    public Catalog withLimits(Limits newLimits) {
        return new Catalog(regions, newLimits, operatingSystems, officialTemplates);
    }

    public Catalog withOperatingSystems(List<OsOffer> offers) {
        return new Catalog(regions, limits, offers, officialTemplates);
    }

    /** Returns a catalog with {@code template} added, or replacing the template with the same id. */
    public Catalog withOfficialTemplate(OfficialTemplate template) {
        Map<String, OfficialTemplate> more = new LinkedHashMap<>(officialTemplates);
        more.put(template.id(), template);
        return new Catalog(regions, limits, operatingSystems, more);
    }

    @Override
    public String toString() {
        return "Catalog[regions=" + regions + ", limits=" + limits + ", operatingSystems="
                + operatingSystems.stream().map(OsOffer::product).toList() + ", officialTemplates="
                + officialTemplates.keySet() + "]";
    }

    private void checkRegionsKnown() {
        for (OsOffer offer : operatingSystems) {
            offer.licenseOffers().forEach((type, offered) -> {
                for (RegionId region : offered) {
                    if (!regions.contains(region)) {
                        throw new IllegalArgumentException("invalid catalog: " + offer.product() + " offers " + type
                                + " in region " + region + ", which is not one of the regions " + regions);
                    }
                }
            });
        }
        for (OfficialTemplate template : officialTemplates.values()) {
            for (RegionId region : template.derivedCopyRegions()) {
                if (!regions.contains(region)) {
                    throw new IllegalArgumentException("invalid catalog: official template " + template.id()
                            + " allows copies to region " + region + ", which is not one of the regions " + regions);
                }
            }
        }
    }

    /**
     * Windows Server 2012 R2 Standard with license switch and continued use in every default region; the Windows
     * Server 2008 and 2008 R2 editions, eligible but offered in no region; Red Hat Enterprise Linux as BYOL only.
     */
    private static List<OsOffer> defaultOperatingSystems(Set<RegionId> regions) {
        Set<RegionId> japan = new LinkedHashSet<>();
        for (String id : List.of("JP1", "JP2", "JP4", "JP5", "JP6")) {
            RegionId region = RegionId.of(id);
            if (regions.contains(region)) {
                japan.add(region);
            }
        }
        LocalDate end2008 = LocalDate.of(2020, 1, 14);
        List<OsOffer> offers = new ArrayList<>();
        offers.add(new OsOffer("Windows Server 2012 R2 Standard", OsFamily.WINDOWS_SERVER, 0,
                Optional.of(LocalDate.of(2023, 10, 10)),
                Map.of(LicenseType.LICENSE_SWITCH, japan, LicenseType.PROVIDER_LICENSE_CONTINUED_USE, japan)));
        offers.add(new OsOffer("Windows Server 2008 Enterprise", OsFamily.WINDOWS_SERVER, 2, Optional.of(end2008),
                Map.of()));
        offers.add(new OsOffer("Windows Server 2008 Standard", OsFamily.WINDOWS_SERVER, 2, Optional.of(end2008),
                Map.of()));
        offers.add(new OsOffer("Windows Server 2008 R2 Enterprise", OsFamily.WINDOWS_SERVER, 1, Optional.of(end2008),
                Map.of()));
        offers.add(new OsOffer("Windows Server 2008 R2 Standard", OsFamily.WINDOWS_SERVER, 1, Optional.of(end2008),
                Map.of()));
        offers.add(new OsOffer("Red Hat Enterprise Linux", OsFamily.RED_HAT_ENTERPRISE_LINUX, 0, Optional.empty(),
                Map.of(LicenseType.BYOL, regions)));
        return offers;
    }
}
