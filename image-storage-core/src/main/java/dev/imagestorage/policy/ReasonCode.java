package dev.imagestorage.policy;

import static java.util.Objects.requireNonNull;

/**
 * Stable codes for every reason the SDK gives when it denies an operation, rejects an upload or warns. A code never
 * changes meaning once released, so services may branch on it and show their own text.
 */
public enum ReasonCode {
    // Standing of the tenants involved.
    TENANT_SUSPENDED("standing.suspended", Rule.CALLER_STANDING),
    TENANT_TERMINATED("standing.terminated", Rule.CALLER_STANDING),
    OWNER_SUSPENDED("standing.owner-suspended", Rule.OWNER_STANDING),
    DESTINATION_NOT_ACTIVE("standing.destination-not-active", Rule.DESTINATION_STANDING),

    // Who may act on what.
    TENANT_NO_ACCESS_AUTHORITY("access.no-authority", Rule.ACTS_FOR_TENANT),
    IMAGE_NOT_OWNER("access.not-owner", Rule.OWNER_ONLY),
    IMAGE_NOT_VISIBLE("access.not-visible", Rule.VISIBILITY),

    // Image lifecycle.
    IMAGE_NOT_ACTIVE("image.not-active", Rule.IMAGE_STATUS),
    IMAGE_NOT_QUEUED("image.not-queued", Rule.IMAGE_STATUS),

    // Properties checked at registration.
    NAME_LENGTH("name.length", Rule.NAME),
    NAME_CHARACTER("name.character", Rule.NAME),
    TAG_INVALID("tag.invalid", Rule.TAGS),
    TAG_COUNT("tag.count", Rule.TAGS),
    PLAN_FORMAT_MISMATCH("plan.format-mismatch", Rule.PLAN_FORMAT),
    MIN_DISK_NEGATIVE("min-disk.negative", Rule.MINIMUMS),
    MIN_MEMORY_NEGATIVE("min-memory.negative", Rule.MINIMUMS),
    LICENSE_NOT_FOR_ISO("license.not-for-iso", Rule.ISO_LICENSE),
    ISO_WINDOWS_SERVER("iso.windows-server", Rule.ISO_WINDOWS),
    ORIGIN_UNKNOWN_TEMPLATE("origin.unknown-template", Rule.ORIGIN_TEMPLATE),

    // Licenses.
    LICENSE_OS_REQUIRED("license.os-required", Rule.LICENSE_ELIGIBILITY),
    LICENSE_OS_NOT_64_BIT("license.os-not-64-bit", Rule.LICENSE_ELIGIBILITY),
    LICENSE_OS_NOT_ELIGIBLE("license.os-not-eligible", Rule.LICENSE_ELIGIBILITY),
    LICENSE_SERVICE_PACK("license.service-pack", Rule.LICENSE_ELIGIBILITY),
    LICENSE_FORM_NOT_OFFERED("license.form-not-offered", Rule.LICENSE_ELIGIBILITY),
    LICENSE_FORM_NOT_IN_REGION("license.form-not-in-region", Rule.LICENSE_ELIGIBILITY),
    LICENSE_SUPPORT_ENDED("license.support-ended", Rule.LICENSE_SUPPORT),

    // Quotas and limits.
    QUOTA_IMAGES_PER_PLAN("quota.images-per-plan", Rule.QUOTA),
    LIMIT_IMAGE_SIZE("limit.image-size", Rule.IMAGE_SIZE),
    LIMIT_COPY_SIZE("limit.copy-size", Rule.COPY_SIZE),
    LIMIT_PORTAL_UPLOAD("limit.portal-upload", Rule.UPLOAD_CHANNEL),

    // Deletion.
    DELETE_PROTECTED("delete.protected", Rule.DELETE_PROTECTION),

    // Sharing and memberships.
    SHARE_WITH_SELF("share.self", Rule.SHARE_NOT_SELF),
    SHARE_ACROSS_REGIONS("share.cross-region", Rule.SHARE_SAME_REGION),
    SHARE_ALREADY_MEMBER("share.already-member", Rule.SHARE_NEW_MEMBER),
    MEMBER_NOT_FOUND("member.not-found", Rule.MEMBERSHIP_EXISTS),
    MEMBER_NOT_SELF("member.not-self", Rule.MEMBER_ANSWERS),

    // Copies.
    COPY_ACROSS_CONTRACTS("copy.cross-contract", Rule.COPY_SAME_CONTRACT),
    COPY_OFFICIAL("copy.official", Rule.COPY_NOT_OFFICIAL),
    COPY_NO_ACCESS_AUTHORITY("copy.no-access-authority", Rule.DESTINATION_AUTHORITY),
    COPY_LICENSE_REGION("copy.license-region", Rule.COPY_LICENSE_REGION),
    COPY_DERIVED_REGION("copy.derived-region", Rule.COPY_DERIVED_REGION),
    COPY_TRANSFER_NOT_ACKNOWLEDGED("copy.transfer-not-acknowledged", Rule.COPY_TRANSFER_CONSENT),
    COPY_JOB_NO_AUTHORITY("copy.job-no-authority", Rule.JOB_AUTHORITY),
    COPY_JOB_FINISHED("copy.job-finished", Rule.JOB_NOT_FINISHED),

    // Downloads.
    DOWNLOAD_OFFICIAL("download.official", Rule.DOWNLOAD_ORIGIN),
    DOWNLOAD_DERIVED_FROM_OFFICIAL("download.derived-from-official", Rule.DOWNLOAD_ORIGIN),
    DOWNLOAD_LICENSE_SWITCH("download.license-switch", Rule.DOWNLOAD_LICENSE),
    DOWNLOAD_CONTINUED_USE_LICENSE("download.continued-use-license", Rule.DOWNLOAD_LICENSE),

    // Resources created from images, and images created from resources.
    LAUNCH_NOT_SUPPORTED("launch.not-supported", Rule.RESOURCE_SUPPORT),
    LAUNCH_ISO_PURPOSE("launch.iso-purpose", Rule.ISO_PURPOSE),
    LAUNCH_ISO_OS("launch.iso-os", Rule.ISO_OS),
    LAUNCH_DISK_TOO_SMALL("launch.disk-too-small", Rule.RESOURCE_DISK),
    LAUNCH_MEMORY_TOO_SMALL("launch.memory-too-small", Rule.RESOURCE_MEMORY),
    CAPTURE_NOT_SUPPORTED("capture.not-supported", Rule.CAPTURE_SUPPORT),

    // ISO images attached to servers.
    ISO_NOT_AN_ISO("iso.not-an-iso", Rule.ISO_ONLY),
    ISO_IN_USE_BY_BAREMETAL("iso.in-use-by-baremetal", Rule.BAREMETAL_ONE_TO_ONE),
    ISO_BAREMETAL_HAS_ISO("iso.baremetal-has-iso", Rule.BAREMETAL_ONE_TO_ONE),
    ISO_ATTACH_NOT_AT_LAUNCH("iso.attach-not-at-launch", Rule.ATTACH_PHASE),
    ISO_NOT_ATTACHED("iso.not-attached", Rule.ATTACHED),
    ISO_DETACH_NOT_AT_DELETION("iso.detach-not-at-deletion", Rule.DETACH_PHASE),

    // Distribution plans.
    DISTRIBUTION_NO_ROUTE("distribution.no-route", Rule.DISTRIBUTION_ROUTE),

    // Uploaded content.
    UPLOAD_EMPTY("upload.empty"),
    UPLOAD_SIZE_LIMIT("upload.size-limit"),
    UPLOAD_CHECKSUM_MISMATCH("upload.checksum-mismatch"),
    UPLOAD_READ_FAILED("upload.read-failed"),
    UPLOAD_SIZE_MISMATCH("upload.size-mismatch"),
    FORMAT_MISMATCH("format.mismatch"),
    FORMAT_QCOW2_INVALID_HEADER("format.qcow2-invalid-header"),
    FORMAT_QCOW2_BACKING_FILE("format.qcow2-backing-file"),
    FORMAT_QCOW2_DATA_FILE("format.qcow2-data-file"),
    FORMAT_QCOW2_ENCRYPTED("format.qcow2-encrypted"),
    FORMAT_VIRTUAL_SIZE_LIMIT("format.virtual-size-limit"),
    FORMAT_AMBIGUOUS("format.ambiguous"),
    FORMAT_ISO_INVALID("format.iso-invalid"),
    FORMAT_PARTITION_TABLE_INVALID("format.partition-table-invalid"),
    FORMAT_TRUNCATED("format.truncated"),
    UPLOAD_DECOMPRESSION_FAILED("upload.decompression-failed"),
    BUNDLE_MALFORMED("bundle.malformed"),
    BUNDLE_MANIFEST_MISSING("bundle.manifest-missing"),
    BUNDLE_MANIFEST_INVALID("bundle.manifest-invalid"),
    BUNDLE_ENTRY_UNSAFE("bundle.entry-unsafe"),
    BUNDLE_ENTRY_UNEXPECTED("bundle.entry-unexpected"),
    BUNDLE_SIZE_MISMATCH("bundle.size-mismatch");

    private final String code;
    private final Rule rule;

    /** A reason about uploaded content, which the upload checks rather than the policy engine. */
    ReasonCode(String code) {
        this(code, Rule.UPLOAD_CONTENT);
    }

    ReasonCode(String code, Rule rule) {
        this.code = requireNonNull(code);
        this.rule = requireNonNull(rule);
    }

    /** The rule that gives this reason. */
    public Rule rule() {
        return rule;
    }

    /** The stable code, such as {@code share.cross-region}. */
    public String code() {
        return code;
    }

    @Override
    public String toString() {
        return code;
    }
}
