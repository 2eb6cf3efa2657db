package dev.imagestorage.policy;

import static dev.imagestorage.policy.PolicyFixtures.NOW;

import dev.imagestorage.catalog.Catalog;
import dev.imagestorage.catalog.Limits;
import dev.imagestorage.catalog.OfficialTemplate;
import dev.imagestorage.catalog.OsOffer;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.ContractId;
import dev.imagestorage.model.CopyJob;
import dev.imagestorage.model.CopyJobStatus;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.IsoAttachment;
import dev.imagestorage.model.IsoPurpose;
import dev.imagestorage.model.JobId;
import dev.imagestorage.model.LaunchRequest;
import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.Membership;
import dev.imagestorage.model.MembershipStatus;
import dev.imagestorage.model.OperatingSystem;
import dev.imagestorage.model.OsFamily;
import dev.imagestorage.model.Origin;
import dev.imagestorage.model.Plan;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.ResourceType;
import dev.imagestorage.model.ServerRef;
import dev.imagestorage.model.Standing;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.model.TenantUsage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.generators.Generate;

/**
 * QuickTheories generators of tenants, images, callers, catalogs and requests for the policy properties. The values
 * come from small sets, so that equal contracts, regions, tenants and boundary values come up often.
 */
final class PolicyGenerators {
    /** The regions generated tenants live in: part of the default regions, so that regions repeat often. */
    static final List<RegionId> REGIONS = List.of(RegionId.of("JP1"), RegionId.of("JP2"), RegionId.of("JP4"));

    /** How many tenants a generated world has. */
    static final int WORLD_SIZE = 5;

    private static final String RETIRED_TEMPLATE = "official-retired";

    private static final List<OperatingSystem> SYSTEMS = List.of(OsFixtures.WINDOWS_2012_R2,
            OsFixtures.WINDOWS_2008_STANDARD_SP2, OsFixtures.WINDOWS_2008_R2_ENTERPRISE_SP1.withServicePack(0),
            OsFixtures.RHEL, OsFixtures.UBUNTU,
            new OperatingSystem(OsFamily.WINDOWS_SERVER, "Windows Server 2012 R2 Standard", 0, 32));

    private PolicyGenerators() {}

    /** Picks one of {@code values} with the randomness of an enclosing generator. */
    static <T> T pick(RandomnessSource in, List<T> values) {
        return Generate.pick(values).generate(in);
    }

    @SafeVarargs
    static <T> T pick(RandomnessSource in, T... values) {
        return pick(in, Arrays.asList(values));
    }

    static boolean coin(RandomnessSource in) {
        return pick(in, true, false);
    }

    /** Standings, ACTIVE three times in five. */
    static Gen<Standing> standings() {
        return Generate.pick(List.of(Standing.ACTIVE, Standing.ACTIVE, Standing.ACTIVE, Standing.SUSPENDED,
                Standing.TERMINATED));
    }

    /**
     * Worlds of {@link #WORLD_SIZE} tenants with the ids tenant-1, tenant-2 and so on, each in one of two contracts
     * and one of {@link #REGIONS}, with a standing from {@link #standings()}.
     */
    static Gen<List<Tenant>> worlds() {
        return worlds(standings());
    }

    /** Worlds as {@link #worlds()} makes them, with standings from {@code standings}. */
    static Gen<List<Tenant>> worlds(Gen<Standing> standings) {
        return in -> {
            List<Tenant> tenants = new ArrayList<>();
            for (int i = 1; i <= WORLD_SIZE; i++) {
                ContractId contract = ContractId.of(pick(in, "contract-a", "contract-b"));
                RegionId region = pick(in, REGIONS);
                tenants.add(new Tenant(TenantId.of("tenant-" + i), contract, region, standings.generate(in)));
            }
            return tenants;
        };
    }

    /**
     * Catalogs that differ in every part the rules read: official templates, limits, license offers and regions.
     * Each has the regions of {@link #REGIONS}.
     */
    static Gen<Catalog> catalogs() {
        Catalog defaults = Catalog.defaults();
        RegionId jp1 = RegionId.of("JP1");
        OfficialTemplate everywhere = new OfficialTemplate(PolicyFixtures.OFFICIAL_TEMPLATE, "Ubuntu (official)",
                defaults.regions());
        OfficialTemplate jp1Only = new OfficialTemplate(PolicyFixtures.OFFICIAL_TEMPLATE, "Ubuntu (official)",
                Set.of(jp1));

        List<OsOffer> offers2008InJp1 = new ArrayList<>();
        for (OsOffer offer : defaults.operatingSystems()) {
            if (offer.licenseOffers().isEmpty()) {
                offer = new OsOffer(offer.product(), offer.family(), offer.minimumServicePack(),
                        offer.extendedSupportEnd(), Map.of(LicenseType.LICENSE_SWITCH, Set.of(jp1)));
            }
            offers2008InJp1.add(offer);
        }

        return Generate.pick(List.of(
                defaults,
                defaults.withOfficialTemplate(everywhere),
                defaults.withOfficialTemplate(jp1Only),
                defaults.withOfficialTemplate(everywhere).withLimits(new Limits(4096 * Limits.GB, 2, Limits.GB,
                        Limits.GB)),
                defaults.withOperatingSystems(offers2008InJp1).withOfficialTemplate(jp1Only),
                defaults.withRegion(RegionId.of("US1")).withOfficialTemplate(everywhere)));
    }

    /**
     * Images of {@code owner} with any format, origin, license type, status and protection, one of several
     * operating systems, sizes on both sides of the copy limit and optional minimums and virtual size.
     */
    static Gen<Image> images(Tenant owner) {
        return in -> {
            DiskFormat format = pick(in, DiskFormat.values());
            Plan plan = format == DiskFormat.ISO ? Plan.ISO : Plan.TEMPLATE;
            Origin origin = pick(in, Origin.values());
            Optional<String> template = origin == Origin.DERIVED_FROM_OFFICIAL
                    ? pick(in, Optional.of(PolicyFixtures.OFFICIAL_TEMPLATE), Optional.of(RETIRED_TEMPLATE),
                            Optional.<String>empty())
                    : Optional.empty();
            ImageStatus status = pick(in, ImageStatus.ACTIVE, ImageStatus.ACTIVE, ImageStatus.ACTIVE,
                    ImageStatus.QUEUED, ImageStatus.SAVING, ImageStatus.KILLED, ImageStatus.DELETED);
            long size = pick(in, 1L << 20, 300 * Limits.GB, 300 * Limits.GB + 1);
            Optional<OperatingSystem> os = coin(in) ? Optional.of(pick(in, SYSTEMS)) : Optional.empty();
            OptionalLong virtualSize = coin(in) ? OptionalLong.of(20 * Limits.GB) : OptionalLong.empty();

            return new Image(ImageId.random(), owner.id(), owner.region(), plan, format, "image-1", new TreeSet<>(),
                    pick(in, 0, 10), pick(in, 0, 2048), coin(in), origin, pick(in, LicenseType.values()), status,
                    size, Optional.of("0".repeat(64)), Optional.empty(), os, virtualSize, template,
                    Optional.of(NOW), NOW, NOW);
        };
    }

    /** Callers acting for {@code actor} with access authority on a random part of {@code world}. */
    static Gen<Caller> callers(Tenant actor, List<Tenant> world) {
        return in -> {
            Set<TenantId> accessible = new LinkedHashSet<>();
            for (Tenant tenant : world) {
                if (coin(in)) {
                    accessible.add(tenant.id());
                }
            }
            return new Caller(actor.id(), accessible);
        };
    }

    /** No membership, or a membership of {@code member} in {@code image} with any status. */
    static Gen<Optional<Membership>> memberships(Image image, Tenant member) {
        return in -> {
            Optional<MembershipStatus> status = coin(in)
                    ? Optional.of(pick(in, MembershipStatus.values()))
                    : Optional.empty();
            return status.map(s -> new Membership(image.id(), member.id(), s, NOW, NOW));
        };
    }

    /**
     * Registration requests with any plan, format, license type and origin, valid and invalid names, minimums and
     * declared sizes, and one of several operating systems.
     */
    static Gen<RegisterRequest> registerRequests() {
        return in -> {
            RegisterRequest.Builder request = RegisterRequest.of(pick(in, Plan.values()), pick(in, DiskFormat.values()),
                    pick(in, "image-1", "bad name", "", "x".repeat(256)));
            request.licenseType(pick(in, LicenseType.values()))
                    .minDiskGb(pick(in, -1, 0, 10))
                    .minMemoryMb(pick(in, -1, 0, 512));
            switch (pick(in, 0, 1, 2, 3, 4)) {
                case 0 -> request.origin(Origin.OFFICIAL);
                case 1 -> request.origin(Origin.DERIVED_FROM_OFFICIAL);
                case 2 -> request.derivedFromOfficial(PolicyFixtures.OFFICIAL_TEMPLATE);
                case 3 -> request.derivedFromOfficial(RETIRED_TEMPLATE);
                default -> request.origin(Origin.PRIVATE);
            }
            if (coin(in)) {
                request.os(pick(in, SYSTEMS));
            }
            if (coin(in)) {
                request.declaredSizeBytes(pick(in, Limits.GB, 4096 * Limits.GB + 1));
            }
            if (coin(in)) {
                request.protect();
            }
            return request.build();
        };
    }

    /** Launch requests for any resource, with or without an ISO purpose, and small and large disks and memory. */
    static Gen<LaunchRequest> launchRequests() {
        return in -> new LaunchRequest(pick(in, ResourceType.values()),
                pick(in, Optional.<IsoPurpose>empty(), Optional.of(IsoPurpose.OS_INSTALLER),
                        Optional.of(IsoPurpose.MIDDLEWARE_INSTALLER)),
                pick(in, 0, 10, 30), pick(in, 0, 1024, 4096));
    }

    /** Two baremetal servers and one virtual server. */
    static Gen<ServerRef> servers() {
        return Generate.pick(List.of(ServerRef.baremetal("bm-1"), ServerRef.baremetal("bm-2"),
                ServerRef.virtual("vm-1")));
    }

    /** Attachments of {@code image} to some of the {@link #servers()}, made by {@code tenant}. */
    static Gen<List<IsoAttachment>> attachmentsOf(ImageId image, TenantId tenant) {
        return in -> {
            List<IsoAttachment> attachments = new ArrayList<>();
            for (ServerRef server : List.of(ServerRef.baremetal("bm-1"), ServerRef.virtual("vm-1"))) {
                if (coin(in)) {
                    attachments.add(new IsoAttachment(image, server, tenant, NOW));
                }
            }
            return attachments;
        };
    }

    /** Image counts below, at and over the default per-plan quota of 256. */
    static Gen<TenantUsage> usages(TenantId tenant) {
        return in -> new TenantUsage(tenant, pick(in, 0, 255, 256), pick(in, 0, 256));
    }

    /** Copy jobs of any status between two tenants of {@code world}, requested by a third. */
    static Gen<CopyJob> copyJobs(List<Tenant> world) {
        return in -> new CopyJob(JobId.random(), ImageId.random(), pick(in, world).id(), ImageId.random(),
                pick(in, world).id(), pick(in, world).id(), pick(in, CopyJobStatus.values()), 0, 10,
                Optional.empty(), NOW, NOW);
    }
}
