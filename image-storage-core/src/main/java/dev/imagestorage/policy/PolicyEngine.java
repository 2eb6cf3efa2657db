package dev.imagestorage.policy;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.catalog.Catalog;
import dev.imagestorage.catalog.Limits;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.CopyJob;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.Membership;
import dev.imagestorage.model.MembershipStatus;
import dev.imagestorage.model.Origin;
import dev.imagestorage.model.Plan;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.model.TenantUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides every operation of the service. Each method is a pure function of the catalog and its arguments: it does
 * no I/O, keeps no state and is safe for use by many threads. Every rule is evaluated, so a denied decision lists
 * all the reasons that apply, not only the first.
 *
 * <p>Operations on an image that only its owner may perform (upload, delete, editing members, copying) require that
 * the caller acts for the owner tenant; access authority on the owner tenant alone is not enough.
 */
public final class PolicyEngine {
    private final Catalog catalog;

    public PolicyEngine(Catalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog");
    }

    public Catalog catalog() {
        return catalog;
    }

    /**
     * Decides whether the caller's acting tenant may register an image with these properties.
     *
     * @param owner the caller's acting tenant, which will own the image
     * @param usage the owner's current image counts
     */
    public Decision register(Caller caller, Tenant owner, RegisterRequest request, TenantUsage usage) {
        List<Reason> reasons = new ArrayList<>();
        Limits limits = catalog.limits();

        requireActingFor(caller, owner.id(), "register an image in", reasons);
        NameRule.check(request.name(), reasons);
        if (!request.plan().accepts(request.format())) {
            reasons.add(Reason.deny(ReasonCode.PLAN_FORMAT_MISMATCH,
                    "format " + request.format().label() + " is not a format of plan " + request.plan()
                            + "; that plan accepts " + formatLabels(request.plan())));
        }
        if (request.minDiskGb() < 0) {
            reasons.add(Reason.deny(ReasonCode.MIN_DISK_NEGATIVE,
                    "minimum disk " + request.minDiskGb() + " GB is negative; use 0 for no minimum"));
        }
        if (request.minMemoryMb() < 0) {
            reasons.add(Reason.deny(ReasonCode.MIN_MEMORY_NEGATIVE,
                    "minimum memory " + request.minMemoryMb() + " MB is negative; use 0 for no minimum"));
        }
        if (request.plan() == Plan.ISO
                && (request.licenseType() == LicenseType.LICENSE_SWITCH
                        || request.licenseType() == LicenseType.PROVIDER_LICENSE_CONTINUED_USE)) {
            reasons.add(Reason.deny(ReasonCode.LICENSE_NOT_FOR_ISO,
                    "license type " + request.licenseType() + " is not available for ISO images; an ISO image can"
                            + " never be license-switched, so use NONE or BYOL"));
        }
        request.declaredSizeBytes().ifPresent(size -> {
            if (size < 0 || size > limits.maxImageSizeBytes()) {
                reasons.add(Reason.deny(ReasonCode.LIMIT_IMAGE_SIZE,
                        "declared size of " + size + " bytes is outside 0 to the image size limit of "
                                + Limits.describeSize(limits.maxImageSizeBytes())));
            }
        });
        checkQuota(owner.id(), request.plan(), usage, reasons);

        String subject = "register " + request.plan().name().toLowerCase(java.util.Locale.ROOT) + " image '"
                + request.name() + "' (" + request.format().label() + ") in tenant " + owner.id();
        return Decision.of(Operation.REGISTER, subject, reasons);
    }

    /** Decides whether the caller may upload the bytes of {@code image}, which must still be {@code QUEUED}. */
    public Decision upload(Caller caller, Image image) {
        List<Reason> reasons = new ArrayList<>();

        requireOwner(caller, image, "upload data to", reasons);
        if (image.status() != ImageStatus.QUEUED) {
            reasons.add(Reason.deny(ReasonCode.IMAGE_NOT_QUEUED,
                    "image " + image.id() + " is " + image.status() + "; data can only be uploaded once, to a QUEUED"
                            + " image, so register a new image to upload again"));
        }
        return Decision.of(Operation.UPLOAD, "upload data to image " + image.id(), reasons);
    }

    /**
     * Decides whether the caller may download {@code image}.
     *
     * @param membership the caller's acting tenant's membership in the image, if it has one
     */
    public Decision download(Caller caller, Image image, Optional<Membership> membership) {
        List<Reason> reasons = new ArrayList<>();

        requireVisible(caller, image, membership, reasons);
        requireActive(image, "downloaded", reasons);
        if (image.origin() == Origin.OFFICIAL) {
            reasons.add(Reason.deny(ReasonCode.DOWNLOAD_OFFICIAL,
                    "image " + image.id() + " is an official image of the provider, and official images can not be"
                            + " downloaded"));
        }
        if (image.origin() == Origin.DERIVED_FROM_OFFICIAL) {
            reasons.add(Reason.deny(ReasonCode.DOWNLOAD_DERIVED_FROM_OFFICIAL,
                    "image " + image.id() + " was created from a resource launched from an official image, and such"
                            + " images can not be downloaded"));
        }
        if (image.licenseType() == LicenseType.LICENSE_SWITCH) {
            reasons.add(Reason.deny(ReasonCode.DOWNLOAD_LICENSE_SWITCH,
                    "image " + image.id() + " has license type LICENSE_SWITCH: it carries the provider's license,"
                            + " which can not leave the service"));
        }
        if (image.licenseType() == LicenseType.PROVIDER_LICENSE_CONTINUED_USE) {
            reasons.add(Reason.warn(ReasonCode.DOWNLOAD_CONTINUED_USE_LICENSE,
                    "image " + image.id() + " has license type PROVIDER_LICENSE_CONTINUED_USE: using it outside this"
                            + " service may violate its license"));
        }
        return Decision.of(Operation.DOWNLOAD, "download image " + image.id(), reasons);
    }

    /** Decides whether the caller may delete {@code image}. Deletion is final. */
    public Decision delete(Caller caller, Image image) {
        List<Reason> reasons = new ArrayList<>();

        requireOwner(caller, image, "delete", reasons);
        if (image.deletionProtected()) {
            reasons.add(Reason.deny(ReasonCode.DELETE_PROTECTED,
                    "image " + image.id() + " is protected; turn protection off before deleting it"));
        }
        return Decision.of(Operation.DELETE, "delete image " + image.id(), reasons);
    }

    /**
     * Decides whether the caller may add {@code member} to the members of {@code image}.
     *
     * @param owner the tenant that owns {@code image}
     * @param existing the membership {@code member} already has in the image, if any
     */
    public Decision addMember(Caller caller, Image image, Tenant owner, Tenant member, Optional<Membership> existing) {
        List<Reason> reasons = new ArrayList<>();

        requireOwner(caller, image, "share", reasons);
        requireActive(image, "shared", reasons);
        checkShareTarget(owner, member, reasons);
        if (existing.isPresent()) {
            reasons.add(Reason.deny(ReasonCode.SHARE_ALREADY_MEMBER,
                    "tenant " + member.id() + " is already a member of image " + image.id() + " ("
                            + existing.get().status() + ")"));
        }
        return Decision.of(Operation.ADD_MEMBER,
                "share image " + image.id() + " of tenant " + owner.id() + " with tenant " + member.id(), reasons);
    }

    /**
     * Decides whether the caller may remove {@code member} from the members of {@code image}.
     *
     * @param existing the membership {@code member} has in the image, if any
     */
    public Decision removeMember(Caller caller, Image image, TenantId member, Optional<Membership> existing) {
        List<Reason> reasons = new ArrayList<>();

        requireOwner(caller, image, "remove members of", reasons);
        if (member.equals(image.owner())) {
            reasons.add(Reason.deny(ReasonCode.SHARE_WITH_SELF,
                    "tenant " + member + " owns image " + image.id() + " and can not be removed from its members"));
        } else if (existing.isEmpty()) {
            reasons.add(Reason.deny(ReasonCode.MEMBER_NOT_FOUND,
                    "tenant " + member + " is not a member of image " + image.id()));
        }
        return Decision.of(Operation.REMOVE_MEMBER, "remove tenant " + member + " from image " + image.id(), reasons);
    }

    /**
     * Decides whether the caller may answer, for {@code member}, the membership in {@code image}.
     *
     * @param answer {@link MembershipStatus#ACCEPTED} or {@link MembershipStatus#REJECTED}
     * @param existing the membership {@code member} has in the image, if any
     */
    public Decision answer(
            Caller caller, Image image, TenantId member, MembershipStatus answer, Optional<Membership> existing) {
        if (answer == MembershipStatus.PENDING) {
            throw new IllegalArgumentException("invalid answer PENDING: a member answers ACCEPTED or REJECTED");
        }
        List<Reason> reasons = new ArrayList<>();

        if (!caller.actingTenant().equals(member)) {
            reasons.add(Reason.deny(ReasonCode.MEMBER_NOT_SELF,
                    "tenant " + caller.actingTenant() + " can not answer for tenant " + member
                            + "; only the member tenant answers for itself"));
        }
        if (member.equals(image.owner())) {
            reasons.add(Reason.deny(ReasonCode.SHARE_WITH_SELF,
                    "tenant " + member + " owns image " + image.id() + " and is not one of its members"));
        } else if (existing.isEmpty()) {
            reasons.add(Reason.deny(ReasonCode.MEMBER_NOT_FOUND,
                    "tenant " + member + " is not a member of image " + image.id()
                            + "; the owner must add it to the members first"));
        }
        Operation operation = answer == MembershipStatus.ACCEPTED ? Operation.ACCEPT : Operation.REJECT;
        String verb = answer == MembershipStatus.ACCEPTED ? "accept" : "reject";
        return Decision.of(operation, verb + " image " + image.id() + " for tenant " + member, reasons);
    }

    /**
     * Decides whether the caller may copy {@code source} into {@code destination}.
     *
     * @param sourceTenant the tenant that owns {@code source}
     * @param destinationUsage the destination tenant's current image counts
     */
    public Decision copy(
            Caller caller, Image source, Tenant sourceTenant, Tenant destination, TenantUsage destinationUsage) {
        List<Reason> reasons = new ArrayList<>();
        Limits limits = catalog.limits();

        requireOwner(caller, source, "copy", reasons);
        requireActive(source, "copied", reasons);
        if (source.origin() == Origin.OFFICIAL) {
            reasons.add(Reason.deny(ReasonCode.COPY_OFFICIAL,
                    "image " + source.id() + " is an official image, and official images can not be copied"));
        }
        if (!sourceTenant.sameContract(destination)) {
            String instead = sourceTenant.sameRegion(destination)
                    ? "share the image with tenant " + destination.id() + " instead"
                    : "copy it to a tenant of contract " + sourceTenant.contract() + " in region "
                            + destination.region() + " and share it from there";
            reasons.add(Reason.deny(ReasonCode.COPY_ACROSS_CONTRACTS,
                    "tenant " + destination.id() + " belongs to contract " + destination.contract()
                            + " but image " + source.id() + " belongs to contract " + sourceTenant.contract()
                            + "; copies stay within one contract, so " + instead));
        }
        if (!caller.hasAccessTo(destination.id())) {
            reasons.add(Reason.deny(ReasonCode.TENANT_NO_ACCESS_AUTHORITY,
                    "the caller acting for tenant " + caller.actingTenant() + " has no access authority on"
                            + " destination tenant " + destination.id()));
        }
        if (source.sizeBytes() > limits.maxCopySizeBytes()) {
            reasons.add(Reason.deny(ReasonCode.LIMIT_COPY_SIZE,
                    "image " + source.id() + " has " + source.sizeBytes() + " bytes, over the copy limit of "
                            + Limits.describeSize(limits.maxCopySizeBytes())));
        }
        checkQuota(destination.id(), source.plan(), destinationUsage, reasons);

        return Decision.of(Operation.COPY,
                "copy image " + source.id() + " of tenant " + sourceTenant.id() + " (" + sourceTenant.region()
                        + ") to tenant " + destination.id() + " (" + destination.region() + ")",
                reasons);
    }

    /** Decides whether the caller may cancel {@code job}. */
    public Decision cancelCopy(Caller caller, CopyJob job) {
        List<Reason> reasons = new ArrayList<>();

        if (!caller.actingTenant().equals(job.requestedBy()) && !caller.hasAccessTo(job.sourceTenant())) {
            reasons.add(Reason.deny(ReasonCode.TENANT_NO_ACCESS_AUTHORITY,
                    "the caller acting for tenant " + caller.actingTenant() + " neither requested copy job "
                            + job.id() + " nor has access authority on its source tenant " + job.sourceTenant()));
        }
        if (job.status().isFinal()) {
            reasons.add(Reason.deny(ReasonCode.COPY_JOB_FINISHED,
                    "copy job " + job.id() + " has already ended with status " + job.status()));
        }
        return Decision.of(Operation.CANCEL_COPY, "cancel copy job " + job.id(), reasons);
    }

    /** Whether the tenant the caller acts for may see and use {@code image}: it owns it or accepted it. */
    public static boolean isVisible(Caller caller, Image image, Optional<Membership> membership) {
        if (image.status() == ImageStatus.DELETED) {
            return false;
        }
        if (image.owner().equals(caller.actingTenant())) {
            return true;
        }
        return membership.isPresent()
                && membership.get().member().equals(caller.actingTenant())
                && membership.get().status() == MembershipStatus.ACCEPTED;
    }

    private void checkShareTarget(Tenant owner, Tenant member, List<Reason> reasons) {
        if (owner.id().equals(member.id())) {
            reasons.add(Reason.deny(ReasonCode.SHARE_WITH_SELF,
                    "tenant " + owner.id() + " owns the image already and can not share it with itself"));
            return;
        }
        if (!owner.sameRegion(member)) {
            reasons.add(Reason.deny(ReasonCode.SHARE_ACROSS_REGIONS,
                    "tenant " + member.id() + " is in region " + member.region() + " but the image is in region "
                            + owner.region() + "; sharing never crosses regions, so copy the image to a tenant in "
                            + member.region() + " first"));
        }
    }

    private void checkQuota(TenantId tenant, Plan plan, TenantUsage usage, List<Reason> reasons) {
        int max = catalog.limits().maxImagesPerPlanPerTenant();
        int current = usage.count(plan);
        if (current >= max) {
            reasons.add(Reason.deny(ReasonCode.QUOTA_IMAGES_PER_PLAN,
                    "tenant " + tenant + " already holds " + current + " images of plan " + plan + ", the limit is "
                            + max + "; delete an image of that plan first"));
        }
    }

    private static void requireActingFor(Caller caller, TenantId tenant, String action, List<Reason> reasons) {
        if (!caller.actingTenant().equals(tenant)) {
            reasons.add(Reason.deny(ReasonCode.TENANT_NO_ACCESS_AUTHORITY,
                    "the caller acts for tenant " + caller.actingTenant() + " and can not " + action + " tenant "
                            + tenant + "; act for tenant " + tenant + " instead"));
        }
    }

    private static void requireOwner(Caller caller, Image image, String action, List<Reason> reasons) {
        if (!caller.actingTenant().equals(image.owner())) {
            reasons.add(Reason.deny(ReasonCode.IMAGE_NOT_OWNER,
                    "tenant " + caller.actingTenant() + " does not own image " + image.id() + " (owner: tenant "
                            + image.owner() + ") and can not " + action + " it"));
        }
    }

    private static void requireVisible(
            Caller caller, Image image, Optional<Membership> membership, List<Reason> reasons) {
        if (!isVisible(caller, image, membership)) {
            reasons.add(Reason.deny(ReasonCode.IMAGE_NOT_VISIBLE,
                    "image " + image.id() + " is not visible to tenant " + caller.actingTenant()
                            + "; a tenant sees its own images and the shared images it accepted"));
        }
    }

    private static void requireActive(Image image, String use, List<Reason> reasons) {
        if (image.status() != ImageStatus.ACTIVE) {
            reasons.add(Reason.deny(ReasonCode.IMAGE_NOT_ACTIVE,
                    "image " + image.id() + " is " + image.status() + "; only an ACTIVE image can be " + use));
        }
    }

    private static String formatLabels(Plan plan) {
        return plan.formats().stream().map(f -> f.label()).sorted().toList().toString();
    }
}
