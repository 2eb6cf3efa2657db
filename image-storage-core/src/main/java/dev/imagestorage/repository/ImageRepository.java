package dev.imagestorage.repository;

import dev.imagestorage.ConflictException;
import dev.imagestorage.NotFoundException;
import dev.imagestorage.model.Contract;
import dev.imagestorage.model.ContractId;
import dev.imagestorage.model.CopyJob;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.IsoAttachment;
import dev.imagestorage.model.JobId;
import dev.imagestorage.model.LicenseDeclaration;
import dev.imagestorage.model.Membership;
import dev.imagestorage.model.ServerRef;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.model.TenantUsage;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The service's records: contracts, tenants, images, memberships, copy jobs and per-tenant usage counters.
 *
 * <p>Each {@code update...} method is a compare-and-set loop: it reads the record, applies the change function and
 * writes the result only if nobody changed the record in between, and otherwise reads again and retries. The change
 * function may therefore run more than once and must have no side effects; an exception it throws aborts the update
 * and propagates unchanged. This is what keeps two processes sharing one store from both taking the last slot of a
 * quota.
 */
public interface ImageRepository {
    /** @throws ConflictException when the contract exists already */
    void createContract(Contract contract);

    Optional<Contract> findContract(ContractId id);

    /** @throws NotFoundException when there is no contract with that id */
    Contract updateContract(ContractId id, UnaryOperator<Contract> change);

    /** @throws ConflictException when the tenant exists already */
    void createTenant(Tenant tenant);

    Optional<Tenant> findTenant(TenantId id);

    /** @throws NotFoundException when there is no tenant with that id */
    Tenant updateTenant(TenantId id, UnaryOperator<Tenant> change);

    /** The tenants of {@code contract}, in id order. */
    List<Tenant> listTenants(ContractId contract);

    /** @throws ConflictException when an image with the same id exists already */
    void createImage(Image image);

    /** Finds an image in any status, {@code DELETED} included. */
    Optional<Image> findImage(ImageId id);

    /**
     * Applies {@code change} to the stored image and stores the result.
     *
     * @throws NotFoundException when there is no image with that id
     */
    Image updateImage(ImageId id, UnaryOperator<Image> change);

    /** Every image in the repository, in any status, in id order. Meant for maintenance, not for requests. */
    List<Image> listAllImages();

    /** Every copy job in the repository, in id order. Meant for maintenance, not for requests. */
    List<CopyJob> listAllJobs();

    /** The images {@code owner} owns, in any status but {@code DELETED}, in id order. */
    List<Image> listImagesOwnedBy(TenantId owner);

    /** @throws ConflictException when {@code membership.member()} is already a member of the image */
    void createMembership(Membership membership);

    Optional<Membership> findMembership(ImageId image, TenantId member);

    /** @throws NotFoundException when there is no such membership */
    Membership updateMembership(ImageId image, TenantId member, UnaryOperator<Membership> change);

    /** @return true when the membership existed and was deleted */
    boolean deleteMembership(ImageId image, TenantId member);

    /** The members of {@code image}, in tenant id order. */
    List<Membership> listMembers(ImageId image);

    /** The memberships of {@code member} in images of other tenants, in image id order. */
    List<Membership> listMembershipsOf(TenantId member);

    /** @throws ConflictException when a job with the same id exists already */
    void createJob(CopyJob job);

    Optional<CopyJob> findJob(JobId id);

    /** @throws NotFoundException when there is no job with that id */
    CopyJob updateJob(JobId id, UnaryOperator<CopyJob> change);

    /** The copy jobs whose source or destination tenant is {@code tenant}, in id order. */
    List<CopyJob> listJobsOf(TenantId tenant);

    /** Records a license declaration; declarations are never changed or deleted. */
    void addLicenseDeclaration(LicenseDeclaration declaration);

    /** The license declarations made for images of {@code tenant}, oldest first. */
    List<LicenseDeclaration> listLicenseDeclarations(TenantId tenant);

    /**
     * Records that an ISO image is attached to a server. For a baremetal server this claims both the image and the
     * server, so that neither can be attached to another one at the same time, also when two processes race.
     *
     * @throws ConflictException when the baremetal server or the image is already claimed by another attachment
     */
    void createAttachment(IsoAttachment attachment);

    /** @return true when the attachment existed and was deleted */
    boolean deleteAttachment(ImageId image, ServerRef server);

    /** The current attachments of an ISO image. */
    List<IsoAttachment> listAttachmentsOfImage(ImageId image);

    /** The current attachments of a server. */
    List<IsoAttachment> listAttachmentsOfServer(ServerRef server);

    /** The usage counters of {@code tenant}; all zero when it has none yet. */
    TenantUsage usage(TenantId tenant);

    /** Applies {@code change} to the usage counters of {@code tenant} and stores the result. */
    TenantUsage updateUsage(TenantId tenant, UnaryOperator<TenantUsage> change);
}
