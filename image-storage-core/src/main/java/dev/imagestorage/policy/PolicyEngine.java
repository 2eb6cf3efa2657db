package dev.imagestorage.policy;

import static java.util.Objects.requireNonNull;

import dev.imagestorage.catalog.Catalog;
import dev.imagestorage.catalog.Limits;
import dev.imagestorage.catalog.OfficialTemplate;
import dev.imagestorage.catalog.OsOffer;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.CopyJob;
import dev.imagestorage.model.CopyRequest;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.IsoAttachment;
import dev.imagestorage.model.IsoPurpose;
import dev.imagestorage.model.LaunchRequest;
import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.Membership;
import dev.imagestorage.model.MembershipStatus;
import dev.imagestorage.model.OsFamily;
import dev.imagestorage.model.Origin;
import dev.imagestorage.model.Plan;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.ResourceType;
import dev.imagestorage.model.ServerPhase;
import dev.imagestorage.model.ServerRef;
import dev.imagestorage.model.Standing;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.model.TenantUsage;
import dev.imagestorage.model.UploadChannel;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Decides every operation of the service. Each method is a pure function of the catalog, the clock and its
 * arguments: it does no I/O, keeps no state and is safe for use by many threads. Every rule of the operation is
 * evaluated, so a denied decision lists all the reasons that apply, and the rules that passed.
 *
 * <p>Tenants passed in carry their effective standing: suspended when either the tenant or its contract is.
 * Operations that only an image's owner performs (upload, delete, editing members, copying) require that the caller
 * acts for the owner tenant. Access authority on the owner alone is not enough.
 */
public final class PolicyEngine {
    private final Catalog catalog;
    private final Clock clock;

    /** Creates an engine whose one time-dependent rule, the license support warning, reads the system UTC clock. */
    public PolicyEngine(Catalog catalog) {
        this(catalog, Clock.systemUTC());
    }

    public PolicyEngine(Catalog catalog, Clock clock) {
        this.catalog = requireNonNull(catalog, "catalog");
        this.clock = requireNonNull(clock, "clock");
    }

    public Catalog catalog() {
        return catalog;
    }

    /**
     * Decides whether the caller may register an image with these properties in {@code owner}.
     *
     * @param owner the tenant that will own the image, which the caller must act for
     * @param usage the owner's current image counts
     */
    public Decision register(Caller caller, Tenant owner, RegisterRequest request, TenantUsage usage) {
        Evaluation evaluation = new Evaluation();
        checkRegistration(caller, owner, request, usage, evaluation);
        return evaluation.decide(Operation.REGISTER, () -> "register " + request.plan().name().toLowerCase(Locale.ROOT)
                + " image '" + NameRule.printable(request.name()) + "' (" + request.format().label() + ") in tenant "
                + owner.id());
    }

    /**
     * Decides whether the caller may create an image in {@code owner} from a resource of type {@code source}. The
     * registration rules apply as well.
     */
    public Decision capture(
            Caller caller, Tenant owner, ResourceType source, RegisterRequest request, TenantUsage usage) {
        Evaluation evaluation = new Evaluation();
        evaluation.check(Rule.CAPTURE_SUPPORT);
        if (request.plan() == Plan.ISO) {
            evaluation.deny(ReasonCode.CAPTURE_NOT_SUPPORTED, "an ISO image can not be created from a resource;"
                    + " ISO images are uploaded");
        } else if (source == ResourceType.BAREMETAL_SERVER) {
            evaluation.deny(ReasonCode.CAPTURE_NOT_SUPPORTED, "a template can not be created from a baremetal"
                    + " server; create it from a virtual server or a volume");
        }
        checkRegistration(caller, owner, request, usage, evaluation);
        return evaluation.decide(Operation.CAPTURE, () -> "create " + request.plan().name().toLowerCase(Locale.ROOT)
                + " image '" + NameRule.printable(request.name()) + "' in tenant " + owner.id() + " from a "
                + label(source));
    }

    private void checkRegistration(
            Caller caller, Tenant owner, RegisterRequest request, TenantUsage usage, Evaluation evaluation) {
        Limits limits = catalog.limits();

        checkStanding(owner, evaluation);
        evaluation.check(Rule.ACTS_FOR_TENANT);
        if (!caller.actingTenant().equals(owner.id())) {
            evaluation.deny(ReasonCode.TENANT_NO_ACCESS_AUTHORITY, "the caller acts for tenant "
                    + caller.actingTenant() + " and can not register an image in tenant " + owner.id()
                    + "; act for tenant " + owner.id() + " instead");
        }
        evaluation.check(Rule.NAME);
        NameRule.check(request.name(), evaluation);
        evaluation.check(Rule.TAGS);
        NameRule.checkTags(request.tags(), evaluation);
        evaluation.check(Rule.PLAN_FORMAT);
        if (!request.plan().accepts(request.format())) {
            evaluation.deny(ReasonCode.PLAN_FORMAT_MISMATCH, "format " + request.format().label()
                    + " is not a format of plan " + request.plan() + "; that plan accepts "
                    + request.plan().formats().stream().map(f -> f.label()).sorted().toList());
        }
        evaluation.check(Rule.MINIMUMS);
        if (request.minDiskGb() < 0) {
            evaluation.deny(ReasonCode.MIN_DISK_NEGATIVE,
                    "minimum disk " + request.minDiskGb() + " GB is negative; use 0 for no minimum");
        }
        if (request.minMemoryMb() < 0) {
            evaluation.deny(ReasonCode.MIN_MEMORY_NEGATIVE,
                    "minimum memory " + request.minMemoryMb() + " MB is negative; use 0 for no minimum");
        }
        checkIsoRegistration(request, evaluation);
        LicenseRules.checkEligibility(catalog, request.plan(), request.licenseType(), request.os(), owner.region(),
                evaluation);
        LicenseRules.checkSupport(catalog, request.os(), today(), evaluation);
        checkOriginTemplate(request, evaluation);
        evaluation.check(Rule.IMAGE_SIZE);
        if (request.declaredSizeBytes().isPresent()) {
            long size = request.declaredSizeBytes().getAsLong();
            if (size < 0 || size > limits.maxImageSizeBytes()) {
                evaluation.deny(ReasonCode.LIMIT_IMAGE_SIZE, "declared size of " + size + " bytes is outside 0 to the"
                        + " image size limit of " + Limits.describeSize(limits.maxImageSizeBytes()));
            }
        }
        checkQuota(owner.id(), request.plan(), usage, evaluation);
    }

    private static void checkIsoRegistration(RegisterRequest request, Evaluation evaluation) {
        evaluation.check(Rule.ISO_LICENSE);
        evaluation.check(Rule.ISO_WINDOWS);
        if (request.plan() != Plan.ISO) {
            return;
        }
        if (request.licenseType() == LicenseType.LICENSE_SWITCH
                || request.licenseType() == LicenseType.PROVIDER_LICENSE_CONTINUED_USE) {
            evaluation.deny(ReasonCode.LICENSE_NOT_FOR_ISO, "license type " + request.licenseType()
                    + " is not available for ISO images; an ISO image can never be license-switched, so use NONE"
                    + " or BYOL");
        }
        if (request.os().isPresent() && request.os().get().family() == OsFamily.WINDOWS_SERVER) {
            evaluation.deny(ReasonCode.ISO_WINDOWS_SERVER, "an ISO image of " + request.os().get().product()
                    + " can not be registered: Windows Server needs the provider's license, and ISO images can"
                    + " never be license-switched");
        }
    }

    private void checkOriginTemplate(RegisterRequest request, Evaluation evaluation) {
        evaluation.check(Rule.ORIGIN_TEMPLATE);
        if (request.origin() != Origin.DERIVED_FROM_OFFICIAL) {
            return;
        }
        if (request.officialTemplate().isEmpty()) {
            evaluation.deny(ReasonCode.ORIGIN_UNKNOWN_TEMPLATE, "an image derived from an official image must name"
                    + " its official template; the catalog lists " + catalog.officialTemplates().keySet());
        } else if (catalog.findOfficialTemplate(request.officialTemplate().get()).isEmpty()) {
            evaluation.deny(ReasonCode.ORIGIN_UNKNOWN_TEMPLATE, "official template '"
                    + request.officialTemplate().get() + "' is not in the catalog, which lists "
                    + catalog.officialTemplates().keySet());
        }
    }

    /**
     * Decides whether the caller may upload the bytes of {@code image}, which must still be {@code QUEUED}.
     *
     * @param actor the caller's acting tenant
     * @param declaredSizeBytes the size of the upload, when the caller announces it
     */
    public Decision upload(
            Caller caller, Tenant actor, Image image, UploadChannel channel, OptionalLong declaredSizeBytes) {
        Evaluation evaluation = new Evaluation();

        checkStanding(actor, evaluation);
        requireOwner(caller, image, "upload data to", evaluation);
        evaluation.check(Rule.IMAGE_STATUS);
        if (image.status() != ImageStatus.QUEUED) {
            evaluation.deny(ReasonCode.IMAGE_NOT_QUEUED, "image " + image.id() + " is " + image.status()
                    + "; data can only be uploaded once, to a QUEUED image, so register a new image to upload again");
        } else if (image.copiedFrom().isPresent()) {
            evaluation.deny(ReasonCode.IMAGE_NOT_QUEUED, "image " + image.id() + " is the destination of a copy of"
                    + " image " + image.copiedFrom().get() + " and receives its data from the copy job, not from"
                    + " an upload");
        }
        evaluation.check(Rule.UPLOAD_CHANNEL);
        long portalLimit = catalog.limits().maxPortalUploadBytes();
        if (channel == UploadChannel.PORTAL && declaredSizeBytes.isPresent()
                && declaredSizeBytes.getAsLong() > portalLimit) {
            evaluation.deny(ReasonCode.LIMIT_PORTAL_UPLOAD, "an upload of " + declaredSizeBytes.getAsLong()
                    + " bytes is over the portal upload limit of " + Limits.describeSize(portalLimit)
                    + "; upload it through the API instead");
        }
        return evaluation.decide(Operation.UPLOAD, () -> "upload data to image " + image.id() + " through the "
                + channel.name().toLowerCase(Locale.ROOT));
    }

    /**
     * Decides whether the caller may download {@code image}.
     *
     * @param actor the caller's acting tenant
     * @param owner the tenant that owns the image
     * @param membership the acting tenant's membership in the image, if it has one
     */
    public Decision download(
            Caller caller, Tenant actor, Image image, Tenant owner, Optional<Membership> membership) {
        Evaluation evaluation = new Evaluation();

        checkUse(caller, actor, image, owner, membership, "downloaded", evaluation);
        evaluation.check(Rule.DOWNLOAD_ORIGIN);
        if (image.origin() == Origin.OFFICIAL) {
            evaluation.deny(ReasonCode.DOWNLOAD_OFFICIAL, "image " + image.id() + " is an official image of the"
                    + " provider, and official images can not be downloaded");
        } else if (image.origin() == Origin.DERIVED_FROM_OFFICIAL) {
            evaluation.deny(ReasonCode.DOWNLOAD_DERIVED_FROM_OFFICIAL, "image " + image.id() + " was created from a"
                    + " resource launched from an official image, and such images can not be downloaded");
        }
        evaluation.check(Rule.DOWNLOAD_LICENSE);
        if (image.licenseType() == LicenseType.LICENSE_SWITCH) {
            evaluation.deny(ReasonCode.DOWNLOAD_LICENSE_SWITCH, "image " + image.id() + " has license type"
                    + " LICENSE_SWITCH: it carries the provider's license, which can not leave the service");
        } else if (image.licenseType() == LicenseType.PROVIDER_LICENSE_CONTINUED_USE) {
            evaluation.warn(ReasonCode.DOWNLOAD_CONTINUED_USE_LICENSE, "image " + image.id() + " has license type"
                    + " PROVIDER_LICENSE_CONTINUED_USE: using it outside this service may violate its license");
        }
        return evaluation.decide(Operation.DOWNLOAD, () -> "download image " + image.id());
    }

    /**
     * Decides whether the caller may delete {@code image}. Deletion is final, and a protected image is never
     * deleted; contract termination, which deletes every image of a contract, is not decided here.
     */
    public Decision delete(Caller caller, Image image) {
        Evaluation evaluation = new Evaluation();

        requireOwner(caller, image, "delete", evaluation);
        evaluation.check(Rule.DELETE_PROTECTION);
        if (image.deletionProtected()) {
            evaluation.deny(ReasonCode.DELETE_PROTECTED,
                    "image " + image.id() + " is protected; turn protection off before deleting it");
        }
        return evaluation.decide(Operation.DELETE, () -> "delete image " + image.id());
    }

    /**
     * Decides whether the caller may add {@code member} to the members of {@code image}.
     *
     * @param owner the tenant that owns {@code image}
     * @param existing the membership {@code member} already has in the image, if any
     */
    public Decision addMember(Caller caller, Image image, Tenant owner, Tenant member, Optional<Membership> existing) {
        Evaluation evaluation = new Evaluation();

        checkStanding(owner, evaluation);
        requireOwner(caller, image, "share", evaluation);
        requireActive(image, "shared", evaluation);
        evaluation.check(Rule.DESTINATION_STANDING);
        if (member.standing() == Standing.TERMINATED) {
            evaluation.deny(ReasonCode.DESTINATION_NOT_ACTIVE, "tenant " + member.id() + " belongs to a terminated"
                    + " contract and can not become a member");
        }
        evaluation.check(Rule.SHARE_NOT_SELF);
        evaluation.check(Rule.SHARE_SAME_REGION);
        if (owner.id().equals(member.id())) {
            evaluation.deny(ReasonCode.SHARE_WITH_SELF, "tenant " + owner.id()
                    + " owns the image already and can not share it with itself");
        } else if (!owner.region().equals(member.region())) {
            evaluation.deny(ReasonCode.SHARE_ACROSS_REGIONS, "tenant " + member.id() + " is in region "
                    + member.region() + " but the image is in region " + owner.region() + "; sharing never crosses"
                    + " regions, so copy the image to a tenant in " + member.region() + " first");
        }
        evaluation.check(Rule.SHARE_NEW_MEMBER);
        if (existing.isPresent()) {
            evaluation.deny(ReasonCode.SHARE_ALREADY_MEMBER, "tenant " + member.id() + " is already a member of"
                    + " image " + image.id() + " (" + existing.get().status() + ")");
        }
        return evaluation.decide(Operation.ADD_MEMBER, () -> "share image " + image.id() + " of tenant " + owner.id()
                + " with tenant " + member.id());
    }

    /**
     * Decides whether the caller may remove {@code member} from the members of {@code image}. A suspended owner may
     * still remove members.
     *
     * @param existing the membership {@code member} has in the image, if any
     */
    public Decision removeMember(Caller caller, Image image, TenantId member, Optional<Membership> existing) {
        Evaluation evaluation = new Evaluation();

        requireOwner(caller, image, "remove members of", evaluation);
        evaluation.check(Rule.SHARE_NOT_SELF);
        evaluation.check(Rule.MEMBERSHIP_EXISTS);
        if (member.equals(image.owner())) {
            evaluation.deny(ReasonCode.SHARE_WITH_SELF,
                    "tenant " + member + " owns image " + image.id() + " and can not be removed from its members");
        } else if (existing.isEmpty()) {
            evaluation.deny(ReasonCode.MEMBER_NOT_FOUND, "tenant " + member + " is not a member of image " + image.id());
        }
        return evaluation.decide(Operation.REMOVE_MEMBER, () -> "remove tenant " + member + " from image " + image.id());
    }

    /**
     * Decides whether the caller may accept or reject, for {@code member}, the membership in {@code image}. A
     * suspended tenant may reject but not accept.
     *
     * @param actor the caller's acting tenant
     * @param answer {@link MembershipStatus#ACCEPTED} or {@link MembershipStatus#REJECTED}
     * @param existing the membership {@code member} has in the image, if any
     */
    public Decision answer(
            Caller caller, Tenant actor, Image image, TenantId member, MembershipStatus answer,
            Optional<Membership> existing) {
        if (answer == MembershipStatus.PENDING) {
            throw new IllegalArgumentException("invalid membership status PENDING: a member accepts or rejects");
        }
        Evaluation evaluation = new Evaluation();

        if (answer == MembershipStatus.ACCEPTED) {
            checkStanding(actor, evaluation);
        }
        evaluation.check(Rule.MEMBER_ANSWERS);
        if (!caller.actingTenant().equals(member)) {
            evaluation.deny(ReasonCode.MEMBER_NOT_SELF, "tenant " + caller.actingTenant() + " can not answer for"
                    + " tenant " + member + "; only the member tenant answers for itself");
        }
        evaluation.check(Rule.SHARE_NOT_SELF);
        evaluation.check(Rule.MEMBERSHIP_EXISTS);
        if (member.equals(image.owner())) {
            evaluation.deny(ReasonCode.SHARE_WITH_SELF,
                    "tenant " + member + " owns image " + image.id() + " and is not one of its members");
        } else if (existing.isEmpty()) {
            evaluation.deny(ReasonCode.MEMBER_NOT_FOUND, "tenant " + member + " is not a member of image "
                    + image.id() + "; the owner must add it to the members first");
        }
        Operation operation = answer == MembershipStatus.ACCEPTED ? Operation.ACCEPT : Operation.REJECT;
        return evaluation.decide(operation, () -> (answer == MembershipStatus.ACCEPTED ? "accept" : "reject")
                + " image " + image.id() + " for tenant " + member);
    }

    /**
     * Decides whether the caller may copy {@code source} into the request's destination tenant.
     *
     * @param sourceTenant the tenant that owns {@code source}; the caller must act for it
     * @param destination the destination tenant
     * @param destinationUsage the destination tenant's current image counts
     */
    public Decision copy(
            Caller caller, Image source, Tenant sourceTenant, Tenant destination, CopyRequest request,
            TenantUsage destinationUsage) {
        Evaluation evaluation = new Evaluation();
        Limits limits = catalog.limits();

        checkStanding(sourceTenant, evaluation);
        requireOwner(caller, source, "copy", evaluation);
        requireActive(source, "copied", evaluation);
        evaluation.check(Rule.DESTINATION_STANDING);
        if (!destination.isActive()) {
            evaluation.deny(ReasonCode.DESTINATION_NOT_ACTIVE, "destination tenant " + destination.id() + " is "
                    + destination.standing() + " and can not receive copies");
        }
        evaluation.check(Rule.COPY_NOT_OFFICIAL);
        if (source.origin() == Origin.OFFICIAL) {
            evaluation.deny(ReasonCode.COPY_OFFICIAL,
                    "image " + source.id() + " is an official image, and official images can not be copied");
        }
        checkCopyContract(source, sourceTenant, destination, evaluation);
        evaluation.check(Rule.DESTINATION_AUTHORITY);
        if (!caller.hasAccessTo(destination.id())) {
            evaluation.deny(ReasonCode.COPY_NO_ACCESS_AUTHORITY, "the caller acting for tenant "
                    + caller.actingTenant() + " has no access authority on destination tenant " + destination.id());
        }
        evaluation.check(Rule.COPY_SIZE);
        if (source.sizeBytes() > limits.maxCopySizeBytes()) {
            evaluation.deny(ReasonCode.LIMIT_COPY_SIZE, "image " + source.id() + " has " + source.sizeBytes()
                    + " bytes, over the copy limit of " + Limits.describeSize(limits.maxCopySizeBytes()));
        }
        checkCopyRegion(source, sourceTenant, destination, request, evaluation);
        checkQuota(destination.id(), source.plan(), destinationUsage, evaluation);

        return evaluation.decide(Operation.COPY, () -> "copy image " + source.id() + " of tenant " + sourceTenant.id()
                + " (" + sourceTenant.region() + ") to tenant " + destination.id() + " (" + destination.region() + ")");
    }

    private static void checkCopyContract(Image source, Tenant sourceTenant, Tenant destination, Evaluation evaluation) {
        evaluation.check(Rule.COPY_SAME_CONTRACT);
        if (sourceTenant.contract().equals(destination.contract())) {
            return;
        }
        String instead = sourceTenant.region().equals(destination.region())
                ? "share the image with tenant " + destination.id() + " instead"
                : "copy it to a tenant of contract " + sourceTenant.contract() + " in region " + destination.region()
                        + " and share it from there";
        evaluation.deny(ReasonCode.COPY_ACROSS_CONTRACTS, "tenant " + destination.id() + " belongs to contract "
                + destination.contract() + " but image " + source.id() + " belongs to contract "
                + sourceTenant.contract() + "; copies stay within one contract, so " + instead);
    }

    /**
     * Checks the rules of a copy to another region. The license and template checks live in their own methods
     * because HotSpot's C2 compiler inlines a hot method only up to 325 bytes of bytecode (FreqInlineSize on x86-64).
     * Inlined, this method lets the JIT keep the copy's {@link Evaluation} off the heap.
     */
    private void checkCopyRegion(
            Image source, Tenant sourceTenant, Tenant destination, CopyRequest request, Evaluation evaluation) {
        evaluation.check(Rule.COPY_LICENSE_REGION);
        evaluation.check(Rule.COPY_DERIVED_REGION);
        evaluation.check(Rule.COPY_TRANSFER_CONSENT);
        if (sourceTenant.region().equals(destination.region())) {
            return;
        }
        LicenseType license = source.licenseType();
        if (license == LicenseType.LICENSE_SWITCH || license == LicenseType.PROVIDER_LICENSE_CONTINUED_USE) {
            checkLicenseOffered(source, license, destination, evaluation);
        }
        if (source.origin() == Origin.DERIVED_FROM_OFFICIAL) {
            checkDerivedCopyRegion(source, destination, evaluation);
        }
        if (!request.dataTransferAcknowledged()) {
            evaluation.deny(ReasonCode.COPY_TRANSFER_NOT_ACKNOWLEDGED, "a copy from region " + sourceTenant.region()
                    + " to region " + destination.region() + " moves customer data there; acknowledge the transfer"
                    + " in the copy request");
        }
    }

    private void checkLicenseOffered(Image source, LicenseType license, Tenant destination, Evaluation evaluation) {
        Optional<OsOffer> offer = source.os().flatMap(catalog::findOffer);
        if (offer.isEmpty() || !offer.get().offers(license, destination.region())) {
            evaluation.deny(ReasonCode.COPY_LICENSE_REGION, "image " + source.id() + " has license type "
                    + license + ", which is not offered for "
                    + source.os().map(os -> os.product()).orElse("its undeclared operating system")
                    + " in region " + destination.region() + "; it is offered in "
                    + offer.map(o -> o.regionsOffering(license).toString()).orElse("no region"));
        }
    }

    private void checkDerivedCopyRegion(Image source, Tenant destination, Evaluation evaluation) {
        Optional<OfficialTemplate> template = source.officialTemplate().flatMap(catalog::findOfficialTemplate);
        if (template.isEmpty() || !template.get().derivedCopyRegions().contains(destination.region())) {
            evaluation.deny(ReasonCode.COPY_DERIVED_REGION, "image " + source.id() + " is derived from official"
                    + " template " + source.officialTemplate().orElse("(unknown)") + ", whose derived images may"
                    + " be copied only to " + template.map(t -> t.derivedCopyRegions().toString())
                            .orElse("no region") + ", not to " + destination.region());
        }
    }

    /** Decides whether the caller may cancel {@code job}. */
    public Decision cancelCopy(Caller caller, CopyJob job) {
        Evaluation evaluation = new Evaluation();

        evaluation.check(Rule.JOB_AUTHORITY);
        if (!caller.actingTenant().equals(job.requestedBy()) && !caller.hasAccessTo(job.sourceTenant())) {
            evaluation.deny(ReasonCode.COPY_JOB_NO_AUTHORITY, "the caller acting for tenant " + caller.actingTenant()
                    + " neither requested copy job " + job.id() + " nor has access authority on its source tenant "
                    + job.sourceTenant());
        }
        evaluation.check(Rule.JOB_NOT_FINISHED);
        if (job.status().isFinal()) {
            evaluation.deny(ReasonCode.COPY_JOB_FINISHED,
                    "copy job " + job.id() + " has already ended with status " + job.status());
        }
        return evaluation.decide(Operation.CANCEL_COPY, () -> "cancel copy job " + job.id());
    }

    /**
     * Decides whether the caller may create a resource from {@code image}.
     *
     * @param actor the caller's acting tenant
     * @param owner the tenant that owns the image
     * @param membership the acting tenant's membership in the image, if it has one
     */
    public Decision launch(
            Caller caller, Tenant actor, Image image, Tenant owner, Optional<Membership> membership,
            LaunchRequest request) {
        Evaluation evaluation = new Evaluation();

        checkUse(caller, actor, image, owner, membership, "used", evaluation);
        ResourceRules.checkLaunch(image, request, evaluation);
        return evaluation.decide(Operation.LAUNCH, () -> "create a " + label(request.resource()) + " from image "
                + image.id());
    }

    /**
     * Decides whether the caller may attach the ISO image {@code image} to {@code server}.
     *
     * @param imageAttachments the current attachments of the image
     * @param serverAttachments the current attachments of the server
     */
    public Decision attachIso(
            Caller caller, Tenant actor, Image image, Tenant owner, Optional<Membership> membership, ServerRef server,
            ServerPhase phase, List<IsoAttachment> imageAttachments, List<IsoAttachment> serverAttachments) {
        Evaluation evaluation = new Evaluation();

        checkUse(caller, actor, image, owner, membership, "attached", evaluation);
        ResourceRules.checkAttach(image, server, phase, imageAttachments, serverAttachments, evaluation);
        return evaluation.decide(Operation.ATTACH_ISO, () -> "attach image " + image.id() + " to " + server);
    }

    /**
     * Decides whether the caller may detach the ISO image {@code image} from {@code server}.
     *
     * @param existing the attachment of the image to the server, if there is one
     */
    public Decision detachIso(
            Caller caller, Image image, ServerRef server, ServerPhase phase, Optional<IsoAttachment> existing) {
        Evaluation evaluation = new Evaluation();

        evaluation.check(Rule.ATTACHED);
        if (existing.isEmpty()) {
            evaluation.deny(ReasonCode.ISO_NOT_ATTACHED, "image " + image.id() + " is not attached to " + server);
        } else if (!caller.hasAccessTo(existing.get().attachedBy())) {
            evaluation.deny(ReasonCode.ISO_NOT_ATTACHED, "image " + image.id() + " was attached to " + server
                    + " by tenant " + existing.get().attachedBy() + ", on which the caller has no access authority");
        }
        evaluation.check(Rule.DETACH_PHASE);
        if (server.type() == ResourceType.VIRTUAL_SERVER && phase != ServerPhase.DELETION) {
            evaluation.deny(ReasonCode.ISO_DETACH_NOT_AT_DELETION, "an ISO image is detached from a virtual server"
                    + " only when the server is deleted, and " + server + " is in phase " + phase);
        }
        return evaluation.decide(Operation.DETACH_ISO, () -> "detach image " + image.id() + " from " + server);
    }

    /**
     * Returns whether the tenant the caller acts for may see and use {@code image}, because it owns the image or
     * accepted it as a member. The owner's standing is not considered here.
     */
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

    /** The checks shared by every use of an image: standing of both sides, visibility and an ACTIVE image. */
    private static void checkUse(
            Caller caller, Tenant actor, Image image, Tenant owner, Optional<Membership> membership, String use,
            Evaluation evaluation) {
        checkStanding(actor, evaluation);
        evaluation.check(Rule.OWNER_STANDING);
        if (!owner.id().equals(actor.id()) && !owner.isActive()) {
            evaluation.deny(ReasonCode.OWNER_SUSPENDED, "tenant " + owner.id() + ", which owns image " + image.id()
                    + ", is " + owner.standing() + ", so members can not use its images for now");
        }
        evaluation.check(Rule.VISIBILITY);
        if (!isVisible(caller, image, membership)) {
            evaluation.deny(ReasonCode.IMAGE_NOT_VISIBLE, "image " + image.id() + " is not visible to tenant "
                    + caller.actingTenant() + "; a tenant sees its own images and the shared images it accepted");
        }
        requireActive(image, use, evaluation);
    }

    private static void checkStanding(Tenant actor, Evaluation evaluation) {
        evaluation.check(Rule.CALLER_STANDING);
        if (actor.standing() == Standing.SUSPENDED) {
            evaluation.deny(ReasonCode.TENANT_SUSPENDED, "tenant " + actor.id() + " or its contract "
                    + actor.contract() + " is suspended; its data is kept, and it can act again once the suspension"
                    + " is lifted");
        } else if (actor.standing() == Standing.TERMINATED) {
            evaluation.deny(ReasonCode.TENANT_TERMINATED, "contract " + actor.contract() + " of tenant " + actor.id()
                    + " is terminated");
        }
    }

    private void checkQuota(TenantId tenant, Plan plan, TenantUsage usage, Evaluation evaluation) {
        evaluation.check(Rule.QUOTA);
        int max = catalog.limits().maxImagesPerPlanPerTenant();
        int current = usage.count(plan);
        if (current >= max) {
            evaluation.deny(ReasonCode.QUOTA_IMAGES_PER_PLAN, "tenant " + tenant + " already holds " + current
                    + " images of plan " + plan + ", the limit is " + max + "; delete an image of that plan first");
        }
    }

    private static void requireOwner(Caller caller, Image image, String action, Evaluation evaluation) {
        evaluation.check(Rule.OWNER_ONLY);
        if (!caller.actingTenant().equals(image.owner())) {
            evaluation.deny(ReasonCode.IMAGE_NOT_OWNER, "tenant " + caller.actingTenant() + " does not own image "
                    + image.id() + " (owner: tenant " + image.owner() + ") and can not " + action + " it");
        }
    }

    private static void requireActive(Image image, String use, Evaluation evaluation) {
        evaluation.check(Rule.IMAGE_STATUS);
        if (image.status() != ImageStatus.ACTIVE) {
            evaluation.deny(ReasonCode.IMAGE_NOT_ACTIVE,
                    "image " + image.id() + " is " + image.status() + "; only an ACTIVE image can be " + use);
        }
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    static String label(ResourceType type) {
        return type.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    static boolean isInstaller(Optional<IsoPurpose> purpose) {
        return purpose.isPresent() && purpose.get() == IsoPurpose.OS_INSTALLER;
    }
}
