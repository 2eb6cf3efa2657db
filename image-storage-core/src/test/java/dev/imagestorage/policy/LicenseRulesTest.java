package dev.imagestorage.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagestorage.catalog.Catalog;
import dev.imagestorage.catalog.Limits;
import dev.imagestorage.catalog.OsOffer;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.OperatingSystem;
import dev.imagestorage.model.OsFamily;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.ResourceType;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.model.TenantUsage;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The license rules of the default catalog's operating systems, checked at registration. Unless a test sets another
 * date, the engine's clock reads 2019-06-01. The vendor's extended support of every listed system was still running
 * then, so no support warning mixes into the decisions.
 */
class LicenseRulesTest {
    private static final RegionId US1 = RegionId.of("US1");
    private static final List<String> JAPAN = List.of("JP1", "JP2", "JP4", "JP5", "JP6");
    private static final LocalDate BEFORE_ANY_SUPPORT_END = LocalDate.of(2019, 6, 1);

    /** The default catalog with US1 added. No license form of any operating system is offered in US1. */
    private static final Catalog CATALOG = Catalog.defaults().withRegion(US1);

    private static PolicyEngine engineOn(Catalog catalog, LocalDate day) {
        return new PolicyEngine(catalog, Clock.fixed(day.atStartOfDay(ZoneOffset.UTC).toInstant(), ZoneOffset.UTC));
    }

    private static Decision register(PolicyEngine engine, String region, RegisterRequest request) {
        Tenant owner = Tenant.of("tenant-" + region.toLowerCase(java.util.Locale.ROOT), "contract-a", region);
        return engine.register(Caller.of(owner.id()), owner, request, TenantUsage.empty(owner.id()));
    }

    private static Decision register(String region, RegisterRequest request) {
        return register(engineOn(CATALOG, BEFORE_ANY_SUPPORT_END), region, request);
    }

    private static RegisterRequest template(OperatingSystem os, LicenseType license) {
        return RegisterRequest.template("windows", DiskFormat.QCOW2).os(os).licenseType(license).build();
    }

    /** Builds the default catalog with each Windows Server 2008 and 2008 R2 edition offered in JP1. */
    private static Catalog catalogOffering2008InJp1() {
        Set<RegionId> jp1 = Set.of(RegionId.of("JP1"));
        List<OsOffer> offers = new ArrayList<>();
        for (OsOffer offer : Catalog.defaults().operatingSystems()) {
            if (offer.product().startsWith("Windows Server 2008")) {
                offer = new OsOffer(offer.product(), offer.family(), offer.minimumServicePack(),
                        offer.extendedSupportEnd(),
                        Map.of(LicenseType.LICENSE_SWITCH, jp1, LicenseType.PROVIDER_LICENSE_CONTINUED_USE, jp1));
            }
            offers.add(offer);
        }
        return Catalog.defaults().withOperatingSystems(offers);
    }

    static Stream<Arguments> japanRegionsAndProviderForms() {
        List<Arguments> cases = new ArrayList<>();
        for (String region : JAPAN) {
            cases.add(Arguments.of(region, LicenseType.LICENSE_SWITCH));
            cases.add(Arguments.of(region, LicenseType.PROVIDER_LICENSE_CONTINUED_USE));
        }
        return cases.stream();
    }

    static Stream<OperatingSystem> windows2008Editions() {
        return Stream.of(OsFixtures.WINDOWS_2008_ENTERPRISE_SP2, OsFixtures.WINDOWS_2008_STANDARD_SP2,
                OsFixtures.WINDOWS_2008_R2_ENTERPRISE_SP1, OsFixtures.WINDOWS_2008_R2_STANDARD_SP1);
    }

    @Nested
    class Windows2012R2 {
        @ParameterizedTest(name = "{1} in {0}")
        @MethodSource("dev.imagestorage.policy.LicenseRulesTest#japanRegionsAndProviderForms")
        void providerFormsAllowedInJapan(String region, LicenseType license) {
            Decision decision = register(region, template(OsFixtures.WINDOWS_2012_R2, license));

            assertThat(decision.outcome()).as(decision.toString()).isEqualTo(Decision.Outcome.ALLOWED);
        }

        @ParameterizedTest
        @EnumSource(value = LicenseType.class, names = {"LICENSE_SWITCH", "PROVIDER_LICENSE_CONTINUED_USE"})
        void providerFormsDeniedInAddedRegion(LicenseType license) {
            Decision decision = register("US1", template(OsFixtures.WINDOWS_2012_R2, license));

            assertThat(decision.codes()).containsExactly(ReasonCode.LICENSE_FORM_NOT_IN_REGION);
            assertThat(decision.denials().get(0).message())
                    .contains("license type " + license)
                    .contains("Windows Server 2012 R2 Standard")
                    .contains("not offered in region US1")
                    .contains("[JP1, JP2, JP4, JP5, JP6]");
        }

        @ParameterizedTest
        @EnumSource(value = LicenseType.class, names = {"NONE", "BYOL"})
        void ownOrNoLicenseDenied(LicenseType license) {
            Decision decision = register("JP1", template(OsFixtures.WINDOWS_2012_R2, license));

            assertThat(decision.codes()).containsExactly(ReasonCode.LICENSE_FORM_NOT_OFFERED);
            assertThat(decision.denials().get(0).message())
                    .contains("license type " + license + " is not offered")
                    .contains("[PROVIDER_LICENSE_CONTINUED_USE, LICENSE_SWITCH]");
        }

        @Test
        void productNameMatchedIgnoringCase() {
            OperatingSystem lowerCase = OperatingSystem.of(OsFamily.WINDOWS_SERVER, "windows server 2012 r2 standard");

            Decision decision = register("JP1", template(lowerCase, LicenseType.LICENSE_SWITCH));

            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }

        @Test
        void anyServicePackEligible() {
            Decision decision = register("JP1",
                    template(OsFixtures.WINDOWS_2012_R2.withServicePack(0), LicenseType.LICENSE_SWITCH));

            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }

        @Test
        void thirtyTwoBitDenied() {
            OperatingSystem bits32 = new OperatingSystem(OsFamily.WINDOWS_SERVER, "Windows Server 2012 R2 Standard",
                    0, 32);

            Decision decision = register("JP1", template(bits32, LicenseType.LICENSE_SWITCH));

            assertThat(decision.codes()).containsExactly(ReasonCode.LICENSE_OS_NOT_64_BIT);
            assertThat(decision.denials().get(0).message()).contains("is 32-bit").contains("only 64-bit");
        }

        @Test
        void captureInAddedRegionDenied() {
            Tenant owner = Tenant.of("tenant-us1", "contract-a", "US1");

            Decision decision = engineOn(CATALOG, BEFORE_ANY_SUPPORT_END).capture(Caller.of(owner.id()), owner,
                    ResourceType.VIRTUAL_SERVER, template(OsFixtures.WINDOWS_2012_R2, LicenseType.LICENSE_SWITCH),
                    TenantUsage.empty(owner.id()));

            assertThat(decision.codes()).containsExactly(ReasonCode.LICENSE_FORM_NOT_IN_REGION);
        }

        @Test
        void unlistedWindowsEditionDenied() {
            OperatingSystem unlisted = OperatingSystem.of(OsFamily.WINDOWS_SERVER, "Windows Server 2019 Datacenter");

            Decision decision = register("JP1", template(unlisted, LicenseType.LICENSE_SWITCH));

            assertThat(decision.codes()).containsExactly(ReasonCode.LICENSE_OS_NOT_ELIGIBLE);
            assertThat(decision.denials().get(0).message())
                    .contains("Windows Server 2019 Datacenter is not an eligible operating system")
                    .contains("Windows Server 2012 R2 Standard");
        }
    }

    @Nested
    class Windows2008 {
        @ParameterizedTest
        @MethodSource("dev.imagestorage.policy.LicenseRulesTest#windows2008Editions")
        void licenseSwitchOfferedNowhere(OperatingSystem os) {
            for (String region : JAPAN) {
                Decision decision = register(region, template(os, LicenseType.LICENSE_SWITCH));

                assertThat(decision.codes()).as(region).containsExactly(ReasonCode.LICENSE_FORM_NOT_OFFERED);
                assertThat(decision.denials().get(0).message()).contains(os.product()).contains("offers []");
            }
        }

        @ParameterizedTest
        @MethodSource("dev.imagestorage.policy.LicenseRulesTest#windows2008Editions")
        void continuedUseOfferedNowhere(OperatingSystem os) {
            Decision decision = register("JP1", template(os, LicenseType.PROVIDER_LICENSE_CONTINUED_USE));

            assertThat(decision.codes()).containsExactly(ReasonCode.LICENSE_FORM_NOT_OFFERED);
        }

        @ParameterizedTest
        @ValueSource(strings = {"Windows Server 2008 Enterprise", "Windows Server 2008 Standard"})
        void servicePack2Required(String product) {
            PolicyEngine engine = engineOn(catalogOffering2008InJp1(), BEFORE_ANY_SUPPORT_END);
            OperatingSystem os = OperatingSystem.of(OsFamily.WINDOWS_SERVER, product);

            Decision sp2 = register(engine, "JP1", template(os.withServicePack(2), LicenseType.LICENSE_SWITCH));
            Decision sp1 = register(engine, "JP1", template(os.withServicePack(1), LicenseType.LICENSE_SWITCH));

            assertThat(sp2.outcome()).as(sp2.toString()).isEqualTo(Decision.Outcome.ALLOWED);
            assertThat(sp1.codes()).containsExactly(ReasonCode.LICENSE_SERVICE_PACK);
            assertThat(sp1.denials().get(0).message())
                    .contains(product + " needs service pack 2 or later")
                    .contains("declares service pack 1");
        }

        @ParameterizedTest
        @ValueSource(strings = {"Windows Server 2008 R2 Enterprise", "Windows Server 2008 R2 Standard"})
        void servicePack1RequiredForR2(String product) {
            PolicyEngine engine = engineOn(catalogOffering2008InJp1(), BEFORE_ANY_SUPPORT_END);
            OperatingSystem os = OperatingSystem.of(OsFamily.WINDOWS_SERVER, product);

            Decision sp1 = register(engine, "JP1", template(os.withServicePack(1), LicenseType.LICENSE_SWITCH));
            Decision sp0 = register(engine, "JP1", template(os.withServicePack(0), LicenseType.LICENSE_SWITCH));

            assertThat(sp1.outcome()).as(sp1.toString()).isEqualTo(Decision.Outcome.ALLOWED);
            assertThat(sp0.codes()).containsExactly(ReasonCode.LICENSE_SERVICE_PACK);
            assertThat(sp0.denials().get(0).message())
                    .contains(product + " needs service pack 1 or later")
                    .contains("declares service pack 0");
        }

        @Test
        void servicePackAndOfferBothListed() {
            Decision decision = register("JP1", template(
                    OsFixtures.WINDOWS_2008_STANDARD_SP2.withServicePack(1), LicenseType.LICENSE_SWITCH));

            assertThat(decision.codes())
                    .containsExactly(ReasonCode.LICENSE_SERVICE_PACK, ReasonCode.LICENSE_FORM_NOT_OFFERED);
        }

        @ParameterizedTest
        @EnumSource(value = LicenseType.class, names = {"NONE", "BYOL"})
        void ownOrNoLicenseDenied(LicenseType license) {
            Decision decision = register("JP1", template(OsFixtures.WINDOWS_2008_R2_STANDARD_SP1, license));

            assertThat(decision.codes()).containsExactly(ReasonCode.LICENSE_FORM_NOT_OFFERED);
        }
    }

    @Nested
    class RedHatEnterpriseLinux {
        @ParameterizedTest
        @ValueSource(strings = {"JP1", "JP2", "JP4", "JP5", "JP6"})
        void byolAllowed(String region) {
            Decision decision = register(region, template(OsFixtures.RHEL, LicenseType.BYOL));

            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }

        @ParameterizedTest
        @EnumSource(value = LicenseType.class, names = {"NONE", "LICENSE_SWITCH", "PROVIDER_LICENSE_CONTINUED_USE"})
        void otherFormsDenied(LicenseType license) {
            Decision decision = register("JP1", template(OsFixtures.RHEL, license));

            assertThat(decision.codes()).containsExactly(ReasonCode.LICENSE_FORM_NOT_OFFERED);
            assertThat(decision.denials().get(0).message())
                    .contains("license type " + license)
                    .contains("Red Hat Enterprise Linux")
                    .contains("[BYOL]");
        }

        @Test
        void thirtyTwoBitDenied() {
            OperatingSystem bits32 =
                    new OperatingSystem(OsFamily.RED_HAT_ENTERPRISE_LINUX, "Red Hat Enterprise Linux 6", 0, 32);

            Decision decision = register("JP1", template(bits32, LicenseType.BYOL));

            assertThat(decision.codes()).containsExactly(ReasonCode.LICENSE_OS_NOT_64_BIT);
        }

        @Test
        void byolFollowsCatalogRegions() {
            Set<RegionId> regions = new LinkedHashSet<>(Catalog.defaults().regions());
            regions.add(US1);
            PolicyEngine engine = engineOn(Catalog.of(regions, Limits.defaults()), BEFORE_ANY_SUPPORT_END);

            Decision rhel = register(engine, "US1", template(OsFixtures.RHEL, LicenseType.BYOL));
            Decision windows =
                    register(engine, "US1", template(OsFixtures.WINDOWS_2012_R2, LicenseType.LICENSE_SWITCH));

            assertThat(rhel.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
            assertThat(windows.codes()).containsExactly(ReasonCode.LICENSE_FORM_NOT_IN_REGION);
        }
    }

    @Nested
    class OtherSystems {
        @ParameterizedTest
        @EnumSource(value = LicenseType.class, names = {"NONE", "BYOL"})
        void ownOrNoLicenseAllowed(LicenseType license) {
            assertThat(register("US1", template(OsFixtures.UBUNTU, license)).outcome())
                    .isEqualTo(Decision.Outcome.ALLOWED);
        }

        @ParameterizedTest
        @EnumSource(value = LicenseType.class, names = {"LICENSE_SWITCH", "PROVIDER_LICENSE_CONTINUED_USE"})
        void providerFormsDenied(LicenseType license) {
            Decision decision = register("JP1", template(OsFixtures.UBUNTU, license));

            assertThat(decision.codes()).containsExactly(ReasonCode.LICENSE_OS_NOT_ELIGIBLE);
            assertThat(decision.denials().get(0).message())
                    .contains("license type " + license)
                    .contains("Ubuntu 24.04 is not one of them");
        }

        @ParameterizedTest
        @EnumSource(value = LicenseType.class, names = {"LICENSE_SWITCH", "PROVIDER_LICENSE_CONTINUED_USE"})
        void providerFormsWithoutSystemDenied(LicenseType license) {
            Decision decision = register("JP1",
                    RegisterRequest.template("undeclared", DiskFormat.RAW).licenseType(license).build());

            assertThat(decision.codes()).containsExactly(ReasonCode.LICENSE_OS_REQUIRED);
            assertThat(decision.denials().get(0).message()).contains("license type " + license);
        }

        @ParameterizedTest
        @EnumSource(value = LicenseType.class, names = {"NONE", "BYOL"})
        void ownOrNoLicenseWithoutSystemAllowed(LicenseType license) {
            Decision decision = register("JP1",
                    RegisterRequest.template("undeclared", DiskFormat.RAW).licenseType(license).build());

            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }
    }

    @Nested
    class SupportEnd {
        @ParameterizedTest(name = "{0}: warning {1}")
        @CsvSource({
            "2023-10-09, false",
            "2023-10-10, false",
            "2023-10-11, true",
        })
        void windows2012R2WarnsAfterEnd(LocalDate day, boolean warned) {
            Decision decision = register(engineOn(CATALOG, day), "JP1",
                    template(OsFixtures.WINDOWS_2012_R2, LicenseType.LICENSE_SWITCH));

            assertSupportWarning(decision, warned, "Windows Server 2012 R2 Standard", "2023-10-10");
        }

        static Stream<Arguments> windows2008EditionsAndDays() {
            List<Arguments> cases = new ArrayList<>();
            windows2008Editions().forEach(os -> {
                cases.add(Arguments.of(os, LocalDate.of(2020, 1, 13), false));
                cases.add(Arguments.of(os, LocalDate.of(2020, 1, 14), false));
                cases.add(Arguments.of(os, LocalDate.of(2020, 1, 15), true));
            });
            return cases.stream();
        }

        @ParameterizedTest(name = "{0} on {1}: warning {2}")
        @MethodSource("windows2008EditionsAndDays")
        void windows2008WarnsAfterEnd(OperatingSystem os, LocalDate day, boolean warned) {
            Decision decision = register(engineOn(catalogOffering2008InJp1(), day), "JP1",
                    template(os, LicenseType.LICENSE_SWITCH));

            assertSupportWarning(decision, warned, os.product(), "2020-01-14");
        }

        @Test
        void dayChangesAtMidnightUtc() {
            PolicyEngine lastDay = new PolicyEngine(CATALOG,
                    Clock.fixed(Instant.parse("2023-10-10T23:59:59Z"), ZoneOffset.UTC));
            PolicyEngine nextDay = new PolicyEngine(CATALOG,
                    Clock.fixed(Instant.parse("2023-10-11T00:00:00Z"), ZoneOffset.UTC));
            RegisterRequest request = template(OsFixtures.WINDOWS_2012_R2, LicenseType.LICENSE_SWITCH);

            assertThat(register(lastDay, "JP1", request).warnings()).isEmpty();
            assertThat(register(nextDay, "JP1", request).codes()).containsExactly(ReasonCode.LICENSE_SUPPORT_ENDED);
        }

        @Test
        void warningKeptBesideDenial() {
            Decision decision = register(engineOn(CATALOG, LocalDate.of(2024, 1, 1)), "JP1",
                    template(OsFixtures.WINDOWS_2008_STANDARD_SP2, LicenseType.LICENSE_SWITCH));

            assertThat(decision.isDenied()).isTrue();
            assertThat(decision.codes())
                    .containsExactly(ReasonCode.LICENSE_FORM_NOT_OFFERED, ReasonCode.LICENSE_SUPPORT_ENDED);
            assertThat(decision.warnings()).extracting(Reason::code).containsExactly(ReasonCode.LICENSE_SUPPORT_ENDED);
        }

        @Test
        void systemWithoutEndNeverWarns() {
            Decision decision = register(engineOn(CATALOG, LocalDate.of(2099, 1, 1)), "JP1",
                    template(OsFixtures.RHEL, LicenseType.BYOL));

            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }

        private void assertSupportWarning(Decision decision, boolean warned, String product, String endDate) {
            assertThat(decision.isAllowed()).as(decision.toString()).isTrue();
            if (!warned) {
                assertThat(decision.outcome()).as(decision.toString()).isEqualTo(Decision.Outcome.ALLOWED);
                return;
            }
            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED_WITH_WARNINGS);
            assertThat(decision.codes()).containsExactly(ReasonCode.LICENSE_SUPPORT_ENDED);
            assertThat(decision.warnings().get(0).message()).contains(product).contains("ended on " + endDate);
        }
    }

    @Nested
    class IsoImages {
        static Stream<Arguments> providerFormsAndSystems() {
            List<Arguments> cases = new ArrayList<>();
            List<LicenseType> providerForms =
                    List.of(LicenseType.LICENSE_SWITCH, LicenseType.PROVIDER_LICENSE_CONTINUED_USE);
            for (LicenseType license : providerForms) {
                cases.add(Arguments.of(license, null));
                cases.add(Arguments.of(license, OsFixtures.UBUNTU));
                cases.add(Arguments.of(license, OsFixtures.RHEL));
            }
            return cases.stream();
        }

        @ParameterizedTest(name = "{0} with {1}")
        @MethodSource("providerFormsAndSystems")
        void neverLicenseSwitched(LicenseType license, OperatingSystem os) {
            RegisterRequest.Builder request = RegisterRequest.iso("installer").licenseType(license);
            if (os != null) {
                request.os(os);
            }

            Decision decision = register("JP1", request.build());

            assertThat(decision.codes()).containsExactly(ReasonCode.LICENSE_NOT_FOR_ISO);
            assertThat(decision.denials().get(0).message())
                    .contains("license type " + license)
                    .contains("never be license-switched");
        }

        @Test
        void captureOfSwitchedIsoGetsBothReasons() {
            Tenant owner = Tenant.of("tenant-jp1", "contract-a", "JP1");

            Decision decision = engineOn(CATALOG, BEFORE_ANY_SUPPORT_END).capture(Caller.of(owner.id()), owner,
                    ResourceType.VIRTUAL_SERVER,
                    RegisterRequest.iso("installer").licenseType(LicenseType.LICENSE_SWITCH).build(),
                    TenantUsage.empty(owner.id()));

            assertThat(decision.codes())
                    .containsExactly(ReasonCode.CAPTURE_NOT_SUPPORTED, ReasonCode.LICENSE_NOT_FOR_ISO);
        }
    }
}
