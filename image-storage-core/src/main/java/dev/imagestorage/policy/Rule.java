package dev.imagestorage.policy;

import static java.util.Objects.requireNonNull;

/**
 * The rules the policy engine evaluates. A decision records which rules it evaluated, so that it can list the rules
 * that passed as well as those that failed or warned.
 */
public enum Rule {
    CALLER_STANDING("caller-standing", "the acting tenant and its contract are not suspended or terminated"),
    OWNER_STANDING("owner-standing", "the image owner and its contract are not suspended, so shares are usable"),
    DESTINATION_STANDING("destination-standing", "the destination tenant and its contract are in good standing"),
    ACTS_FOR_TENANT("acts-for-tenant", "the caller acts for the tenant the image is registered in"),
    OWNER_ONLY("owner-only", "only the tenant that owns the image performs this operation"),
    VISIBILITY("visibility", "the acting tenant owns the image or accepted it as a member"),
    IMAGE_STATUS("image-status", "the image is in the status the operation needs"),
    NAME("name", "1 to 255 characters, each a printable ASCII character from '!' to '~'"),
    TAGS("tags", "at most 128 tags, each of 1 to 255 characters with no control character"),
    PLAN_FORMAT("plan-format", "a template is raw or qcow2, an ISO image is iso"),
    MINIMUMS("minimums", "minimum disk and minimum memory are 0 or more"),
    ISO_LICENSE("iso-license", "an ISO image is never license-switched"),
    ISO_WINDOWS("iso-windows", "no ISO image of Windows Server is registered"),
    LICENSE_ELIGIBILITY("license-eligibility", "the license type is offered for the declared OS in the region"),
    LICENSE_SUPPORT("license-support", "the vendor's extended support of the declared OS has not ended"),
    ORIGIN_TEMPLATE("origin-template", "an image derived from an official image names a template of the catalog"),
    IMAGE_SIZE("image-size", "the image is within the image size limit"),
    QUOTA("quota", "the tenant holds fewer images of the plan than the limit"),
    UPLOAD_CHANNEL("upload-channel", "a portal upload is within the portal upload limit"),
    DELETE_PROTECTION("delete-protection", "a protected image is not deleted"),
    SHARE_NOT_SELF("share-not-self", "an image is not shared with or unshared from its owner"),
    SHARE_SAME_REGION("share-same-region", "sharing never crosses regions"),
    SHARE_NEW_MEMBER("share-new-member", "the tenant is not a member of the image yet"),
    MEMBERSHIP_EXISTS("membership-exists", "the tenant is a member of the image"),
    MEMBER_ANSWERS("member-answers", "only the member tenant answers for itself"),
    COPY_NOT_OFFICIAL("copy-not-official", "official images are not copied"),
    COPY_SAME_CONTRACT("copy-same-contract", "copies stay within one contract"),
    DESTINATION_AUTHORITY("destination-authority", "the caller has access authority on the destination tenant"),
    COPY_SIZE("copy-size", "the image is within the copy size limit"),
    COPY_LICENSE_REGION("copy-license-region", "a provider-licensed image goes only where its license is offered"),
    COPY_DERIVED_REGION("copy-derived-region", "an official-derived image goes only where its template allows"),
    COPY_TRANSFER_CONSENT("copy-transfer-consent", "a copy to another region carries the caller's consent"),
    JOB_AUTHORITY("job-authority", "the caller requested the job or has authority on its source tenant"),
    JOB_NOT_FINISHED("job-not-finished", "the job has not ended"),
    DOWNLOAD_ORIGIN("download-origin", "official and official-derived images are not downloaded"),
    DOWNLOAD_LICENSE("download-license", "images carrying the provider's license are not downloaded"),
    RESOURCE_SUPPORT("resource-support", "the image's plan supports creating this kind of resource"),
    ISO_PURPOSE("iso-purpose", "an ISO image is used for what the resource supports"),
    ISO_OS("iso-os", "no virtual server of Windows Server or Red Hat Enterprise Linux comes from an ISO image"),
    RESOURCE_DISK("resource-disk", "the resource's disk is at least the minimum disk and the virtual size"),
    RESOURCE_MEMORY("resource-memory", "the server's memory is at least the minimum memory"),
    CAPTURE_SUPPORT("capture-support", "an image can be created from this kind of resource"),
    ISO_ONLY("iso-only", "only ISO images are attached to servers"),
    BAREMETAL_ONE_TO_ONE("baremetal-one-to-one", "a baremetal server and an ISO image are attached one to one"),
    ATTACH_PHASE("attach-phase", "an ISO image is attached to a virtual server only at launch"),
    ATTACHED("attached", "the ISO image is attached to the server"),
    DETACH_PHASE("detach-phase", "an ISO image is detached from a virtual server only at deletion"),
    DISTRIBUTION_ROUTE("distribution-route", "some sequence of copies and shares reaches the target tenant"),
    UPLOAD_CONTENT("upload-content", "the uploaded bytes are the declared format, safe, complete and within limits");

    private final String id;
    private final String description;

    Rule(String id, String description) {
        this.id = requireNonNull(id);
        this.description = requireNonNull(description);
    }

    /** The stable rule id, such as {@code share-same-region}. */
    public String id() {
        return id;
    }

    /** What the rule requires, in one line. */
    public String description() {
        return description;
    }

    long bit() {
        return 1L << ordinal();
    }

    static {
        if (values().length > Long.SIZE) {
            throw new AssertionError("a decision records evaluated rules in a 64-bit mask");
        }
    }
}
