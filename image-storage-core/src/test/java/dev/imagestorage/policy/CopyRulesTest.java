package dev.imagestorage.policy;

import static dev.imagestorage.policy.PolicyFixtures.A2_JP1;
import static dev.imagestorage.policy.PolicyFixtures.A_JP1;
import static dev.imagestorage.policy.PolicyFixtures.A_JP2;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagestorage.catalog.Catalog;
import dev.imagestorage.catalog.OfficialTemplate;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.CopyRequest;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.Origin;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.Standing;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.model.TenantUsage;
import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The region rules of copies: where license-carrying and official-derived images may go, the acknowledgement a copy
 * to another region needs, and the standing of the destination.
 */
class CopyRulesTest {
    private static final String TEMPLATE_ID = "official-ubuntu";
    private static final Tenant A_JP4 = Tenant.of("a-jp4", "contract-a", "JP4");
    private static final Tenant A_US1 = Tenant.of("a-us1", "contract-a", "US1");

    /** The default catalog with US1 added and one official template whose derived images may go to JP1 and JP2. */
    private static final Catalog CATALOG = Catalog.defaults().withRegion(RegionId.of("US1")).withOfficialTemplate(
            new OfficialTemplate(TEMPLATE_ID, "Ubuntu (official)",
                    new LinkedHashSet<>(List.of(RegionId.of("JP1"), RegionId.of("JP2")))));

    private final PolicyEngine engine = new PolicyEngine(CATALOG);
    private final Caller caller = Caller.of(A_JP1.id(), A2_JP1.id(), A_JP2.id(), A_JP4.id(), A_US1.id());

    private Decision copy(Image source, Tenant destination, boolean acknowledged) {
        CopyRequest request = CopyRequest.of(source.id(), destination.id());
        if (acknowledged) {
            request = request.acknowledgingDataTransfer();
        }
        return engine.copy(caller, source, A_JP1, destination, request, TenantUsage.empty(destination.id()));
    }

    private static Image licensed(LicenseType license) {
        return ImageBuilder.template(A_JP1).os(OsFixtures.WINDOWS_2012_R2).licenseType(license).build();
    }

    @Nested
    class LicenseRegions {
        @ParameterizedTest
        @EnumSource(value = LicenseType.class, names = {"LICENSE_SWITCH", "PROVIDER_LICENSE_CONTINUED_USE"})
        void offeredRegionAllowed(LicenseType license) {
            Decision decision = copy(licensed(license), A_JP2, true);

            assertThat(decision.outcome()).as(decision.toString()).isEqualTo(Decision.Outcome.ALLOWED);
        }

        @ParameterizedTest
        @EnumSource(value = LicenseType.class, names = {"LICENSE_SWITCH", "PROVIDER_LICENSE_CONTINUED_USE"})
        void regionWithoutOfferDenied(LicenseType license) {
            Decision decision = copy(licensed(license), A_US1, true);

            assertThat(decision.codes()).containsExactly(ReasonCode.COPY_LICENSE_REGION);
            assertThat(decision.denials().get(0).message())
                    .contains("license type " + license)
                    .contains("Windows Server 2012 R2 Standard in region US1")
                    .contains("offered in [JP1, JP2, JP4, JP5, JP6]");
        }

        @ParameterizedTest
        @EnumSource(value = LicenseType.class, names = {"NONE", "BYOL"})
        void ownOrNoLicenseGoesAnywhere(LicenseType license) {
            Image image = ImageBuilder.template(A_JP1).os(OsFixtures.UBUNTU).licenseType(license).build();

            assertThat(copy(image, A_US1, true).outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }

        @Test
        void switchedImageWithoutSystemDenied() {
            Image undeclared = ImageBuilder.template(A_JP1).licenseType(LicenseType.LICENSE_SWITCH).build();

            Decision decision = copy(undeclared, A_JP2, true);

            assertThat(decision.codes()).containsExactly(ReasonCode.COPY_LICENSE_REGION);
            assertThat(decision.denials().get(0).message())
                    .contains("its undeclared operating system")
                    .contains("offered in no region");
        }

        @Test
        void sameRegionCopyKeepsLicense() {
            assertThat(copy(licensed(LicenseType.LICENSE_SWITCH), A2_JP1, false).outcome())
                    .isEqualTo(Decision.Outcome.ALLOWED);
        }
    }

    @Nested
    class DerivedFromOfficial {
        @Test
        void templateRegionAllowed() {
            Image derived = ImageBuilder.template(A_JP1).derivedFrom(TEMPLATE_ID).build();

            assertThat(copy(derived, A_JP2, true).outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }

        @ParameterizedTest
        @ValueSource(strings = {"JP4", "US1"})
        void otherRegionDenied(String region) {
            Image derived = ImageBuilder.template(A_JP1).derivedFrom(TEMPLATE_ID).build();
            Tenant destination = region.equals("JP4") ? A_JP4 : A_US1;

            Decision decision = copy(derived, destination, true);

            assertThat(decision.codes()).containsExactly(ReasonCode.COPY_DERIVED_REGION);
            assertThat(decision.denials().get(0).message())
                    .contains("official template " + TEMPLATE_ID)
                    .contains("only to [JP1, JP2]")
                    .contains("not to " + region);
        }

        @Test
        void unknownTemplateDenied() {
            Image derived = ImageBuilder.template(A_JP1).derivedFrom("official-retired").build();

            Decision decision = copy(derived, A_JP2, true);

            assertThat(decision.codes()).containsExactly(ReasonCode.COPY_DERIVED_REGION);
            assertThat(decision.denials().get(0).message())
                    .contains("official template official-retired")
                    .contains("only to no region");
        }

        @Test
        void missingTemplateIdDenied() {
            Image derived = ImageBuilder.template(A_JP1).origin(Origin.DERIVED_FROM_OFFICIAL).build();

            Decision decision = copy(derived, A_JP2, true);

            assertThat(decision.codes()).containsExactly(ReasonCode.COPY_DERIVED_REGION);
            assertThat(decision.denials().get(0).message()).contains("(unknown)");
        }

        @Test
        void switchedDerivedImageChecksBothRules() {
            Image derived = ImageBuilder.template(A_JP1).derivedFrom(TEMPLATE_ID).os(OsFixtures.WINDOWS_2012_R2)
                    .licenseType(LicenseType.LICENSE_SWITCH).build();

            assertThat(copy(derived, A_JP4, true).codes()).containsExactly(ReasonCode.COPY_DERIVED_REGION);
            assertThat(copy(derived, A_US1, false).codes()).containsExactly(ReasonCode.COPY_LICENSE_REGION,
                    ReasonCode.COPY_DERIVED_REGION, ReasonCode.COPY_TRANSFER_NOT_ACKNOWLEDGED);
        }
    }

    @Nested
    class TransferAcknowledgement {
        @Test
        void crossRegionWithoutAcknowledgementDenied() {
            Decision decision = copy(ImageBuilder.template(A_JP1).build(), A_JP2, false);

            assertThat(decision.codes()).containsExactly(ReasonCode.COPY_TRANSFER_NOT_ACKNOWLEDGED);
            assertThat(decision.denials().get(0).message())
                    .contains("from region JP1 to region JP2")
                    .contains("acknowledge the transfer");
        }

        @Test
        void crossRegionWithAcknowledgementAllowed() {
            assertThat(copy(ImageBuilder.template(A_JP1).build(), A_JP2, true).outcome())
                    .isEqualTo(Decision.Outcome.ALLOWED);
        }

        @Test
        void sameRegionNeedsNoAcknowledgement() {
            assertThat(copy(ImageBuilder.template(A_JP1).build(), A2_JP1, false).outcome())
                    .isEqualTo(Decision.Outcome.ALLOWED);
        }

        @Test
        void sameTenantNeedsNoAcknowledgement() {
            assertThat(copy(ImageBuilder.iso(A_JP1).build(), A_JP1, false).outcome())
                    .isEqualTo(Decision.Outcome.ALLOWED);
        }
    }

    @Nested
    class DestinationStanding {
        @ParameterizedTest
        @EnumSource(value = Standing.class, names = {"SUSPENDED", "TERMINATED"})
        void inactiveDestinationDenied(Standing standing) {
            Decision decision = copy(ImageBuilder.template(A_JP1).build(), A_JP2.withStanding(standing), true);

            assertThat(decision.codes()).containsExactly(ReasonCode.DESTINATION_NOT_ACTIVE);
            assertThat(decision.denials().get(0).message())
                    .contains("destination tenant a-jp2 is " + standing)
                    .contains("can not receive copies");
        }
    }
}
