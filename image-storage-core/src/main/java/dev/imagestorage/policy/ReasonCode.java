package dev.imagestorage.policy;

import static java.util.Objects.requireNonNull;

/**
 * Stable codes for every reason the SDK gives when it denies an operation, rejects an upload or warns. A code never
 * changes meaning once released, so services may branch on it and show their own text.
 */
public enum ReasonCode {
    // Who may act on what.
    TENANT_NO_ACCESS_AUTHORITY("access.no-authority"),
    IMAGE_NOT_OWNER("access.not-owner"),
    IMAGE_NOT_VISIBLE("access.not-visible"),

    // Image lifecycle.
    IMAGE_NOT_ACTIVE("image.not-active"),
    IMAGE_NOT_QUEUED("image.not-queued"),

    // Properties checked at registration.
    NAME_LENGTH("name.length"),
    NAME_CHARACTER("name.character"),
    PLAN_FORMAT_MISMATCH("plan.format-mismatch"),
    MIN_DISK_NEGATIVE("min-disk.negative"),
    MIN_MEMORY_NEGATIVE("min-memory.negative"),
    LICENSE_NOT_FOR_ISO("license.not-for-iso"),

    // Quotas and limits.
    QUOTA_IMAGES_PER_PLAN("quota.images-per-plan"),
    LIMIT_IMAGE_SIZE("limit.image-size"),
    LIMIT_COPY_SIZE("limit.copy-size"),

    // Deletion.
    DELETE_PROTECTED("delete.protected"),

    // Sharing and memberships.
    SHARE_WITH_SELF("share.self"),
    SHARE_ACROSS_REGIONS("share.cross-region"),
    SHARE_ALREADY_MEMBER("share.already-member"),
    MEMBER_NOT_FOUND("member.not-found"),
    MEMBER_NOT_SELF("member.not-self"),

    // Copies.
    COPY_ACROSS_CONTRACTS("copy.cross-contract"),
    COPY_OFFICIAL("copy.official"),
    COPY_JOB_FINISHED("copy.job-finished"),

    // Downloads.
    DOWNLOAD_OFFICIAL("download.official"),
    DOWNLOAD_DERIVED_FROM_OFFICIAL("download.derived-from-official"),
    DOWNLOAD_LICENSE_SWITCH("download.license-switch"),
    DOWNLOAD_CONTINUED_USE_LICENSE("download.continued-use-license"),

    // Uploaded content.
    UPLOAD_EMPTY("upload.empty"),
    UPLOAD_SIZE_LIMIT("upload.size-limit"),
    UPLOAD_CHECKSUM_MISMATCH("upload.checksum-mismatch"),
    UPLOAD_READ_FAILED("upload.read-failed"),
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

    ReasonCode(String code) {
        this.code = requireNonNull(code);
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
