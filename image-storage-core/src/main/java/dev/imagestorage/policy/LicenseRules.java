package dev.imagestorage.policy;

import dev.imagestorage.catalog.Catalog;
import dev.imagestorage.catalog.OsOffer;
import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.OperatingSystem;
import dev.imagestorage.model.OsFamily;
import dev.imagestorage.model.Plan;
import dev.imagestorage.model.RegionId;
import java.time.LocalDate;
import java.util.Optional;

/**
 * The license rules of templates: which license forms each operating system may use and where, and the warning
 * after the vendor's extended support ends. ISO images are checked by the ISO rules instead.
 */
final class LicenseRules {
    private LicenseRules() {}

    /**
     * Checks that {@code license} may be declared for {@code os} on a template registered in {@code region}.
     *
     * <p>Windows Server uses license switch or provider-license continued use, each only in the regions the catalog
     * offers it in for that edition; Red Hat Enterprise Linux is BYOL only; both need a 64-bit edition of at least
     * the catalog's minimum service pack. Other operating systems take NONE or BYOL.
     */
    static void checkEligibility(
            Catalog catalog, Plan plan, LicenseType license, Optional<OperatingSystem> os, RegionId region,
            Evaluation evaluation) {
        evaluation.check(Rule.LICENSE_ELIGIBILITY);
        if (plan != Plan.TEMPLATE) {
            return;
        }
        boolean providerForm = license == LicenseType.LICENSE_SWITCH
                || license == LicenseType.PROVIDER_LICENSE_CONTINUED_USE;
        if (os.isEmpty()) {
            if (providerForm) {
                evaluation.deny(ReasonCode.LICENSE_OS_REQUIRED, "license type " + license + " needs the operating"
                        + " system of the image; declare it with its product name, service pack and word size");
            }
            return;
        }

        OperatingSystem system = os.get();
        if (system.family() == OsFamily.OTHER) {
            if (providerForm) {
                evaluation.deny(ReasonCode.LICENSE_OS_NOT_ELIGIBLE, "license type " + license + " is offered only for"
                        + " eligible Windows Server editions, and " + system.product() + " is not one of them");
            }
            return;
        }
        if (system.bits() != 64) {
            evaluation.deny(ReasonCode.LICENSE_OS_NOT_64_BIT, system.product() + " is " + system.bits()
                    + "-bit; only 64-bit editions are eligible for the provider's license handling");
        }

        Optional<OsOffer> found = catalog.findOffer(system);
        if (found.isEmpty()) {
            evaluation.deny(ReasonCode.LICENSE_OS_NOT_ELIGIBLE, system.product() + " is not an eligible operating"
                    + " system; eligible: " + catalog.operatingSystems().stream().map(OsOffer::product).toList());
            return;
        }
        OsOffer offer = found.get();
        if (system.servicePack() < offer.minimumServicePack()) {
            evaluation.deny(ReasonCode.LICENSE_SERVICE_PACK, offer.product() + " needs service pack "
                    + offer.minimumServicePack() + " or later, and the image declares service pack "
                    + system.servicePack());
        }
        if (!offer.licenseOffers().containsKey(license)) {
            evaluation.deny(ReasonCode.LICENSE_FORM_NOT_OFFERED, "license type " + license + " is not offered for "
                    + offer.product() + "; the catalog offers " + offer.licenseOffers().keySet());
        } else if (!offer.offers(license, region)) {
            evaluation.deny(ReasonCode.LICENSE_FORM_NOT_IN_REGION, "license type " + license + " for "
                    + offer.product() + " is not offered in region " + region + "; it is offered in "
                    + offer.regionsOffering(license));
        }
    }

    /** Warns when the vendor's extended support of the image's operating system ended before {@code today}. */
    static void checkSupport(Catalog catalog, Optional<OperatingSystem> os, LocalDate today, Evaluation evaluation) {
        evaluation.check(Rule.LICENSE_SUPPORT);
        if (os.isEmpty()) {
            return;
        }
        Optional<LocalDate> end = catalog.findOffer(os.get()).flatMap(OsOffer::extendedSupportEnd);
        if (end.isPresent() && today.isAfter(end.get())) {
            evaluation.warn(ReasonCode.LICENSE_SUPPORT_ENDED, "the vendor's extended support of " + os.get().product()
                    + " ended on " + end.get() + ", so the provider no longer supports it");
        }
    }
}
