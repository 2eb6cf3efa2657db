package dev.imagestorage.policy;

import dev.imagestorage.catalog.Catalog;
import dev.imagestorage.catalog.OfficialTemplate;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.Origin;
import dev.imagestorage.model.Plan;
import dev.imagestorage.model.Tenant;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;

/** Tenants and images for policy tests: contract A has tenants in JP1 and JP2, contract B too. */
final class PolicyFixtures {
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    static final Tenant A_JP1 = Tenant.of("a-jp1", "contract-a", "JP1");
    static final Tenant A2_JP1 = Tenant.of("a2-jp1", "contract-a", "JP1");
    static final Tenant A_JP2 = Tenant.of("a-jp2", "contract-a", "JP2");
    static final Tenant B_JP1 = Tenant.of("b-jp1", "contract-b", "JP1");
    static final Tenant B_JP2 = Tenant.of("b-jp2", "contract-b", "JP2");

    private PolicyFixtures() {}

    static Image activeTemplate(Tenant owner) {
        return image(owner, Plan.TEMPLATE, DiskFormat.QCOW2, Origin.PRIVATE, LicenseType.NONE, 1 << 20);
    }

    /** The official template that {@link #image} names for images derived from an official image. */
    static final String OFFICIAL_TEMPLATE = "official-ubuntu";

    /** The default catalog with {@link #OFFICIAL_TEMPLATE}, whose derived images may be copied to every region. */
    static Catalog catalog() {
        Catalog defaults = Catalog.defaults();
        return defaults.withOfficialTemplate(
                new OfficialTemplate(OFFICIAL_TEMPLATE, "Ubuntu (official)", defaults.regions()));
    }

    static Image image(Tenant owner, Plan plan, DiskFormat format, Origin origin, LicenseType license, long size) {
        Optional<String> template = origin == Origin.DERIVED_FROM_OFFICIAL
                ? Optional.of(OFFICIAL_TEMPLATE)
                : Optional.empty();
        return new Image(ImageId.random(), owner.id(), owner.region(), plan, format, "image-1", new TreeSet<>(), 0, 0,
                false, origin, license, ImageStatus.ACTIVE, size, Optional.of("0".repeat(64)), Optional.empty(),
                Optional.empty(), OptionalLong.empty(), template, Optional.of(NOW), NOW, NOW);
    }
}
