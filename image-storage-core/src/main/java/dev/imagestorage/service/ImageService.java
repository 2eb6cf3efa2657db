package dev.imagestorage.service;

import static java.util.Objects.requireNonNull;

import com.google.common.hash.Hashing;
import com.google.common.hash.HashingOutputStream;
import dev.imagestorage.ConflictException;
import dev.imagestorage.NotFoundException;
import dev.imagestorage.OperationDeniedException;
import dev.imagestorage.StorageIoException;
import dev.imagestorage.UploadRejectedException;
import dev.imagestorage.catalog.Catalog;
import dev.imagestorage.catalog.Limits;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.Contract;
import dev.imagestorage.model.ContractId;
import dev.imagestorage.model.CopyJob;
import dev.imagestorage.model.CopyJobStatus;
import dev.imagestorage.model.CopyRequest;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.IsoAttachment;
import dev.imagestorage.model.JobId;
import dev.imagestorage.model.LaunchRequest;
import dev.imagestorage.model.LicenseDeclaration;
import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.Membership;
import dev.imagestorage.model.MembershipStatus;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.ResourceType;
import dev.imagestorage.model.ServerPhase;
import dev.imagestorage.model.ServerRef;
import dev.imagestorage.model.Standing;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.policy.Decision;
import dev.imagestorage.policy.DistributionPlan;
import dev.imagestorage.policy.DistributionPlanner;
import dev.imagestorage.policy.Operation;
import dev.imagestorage.policy.PolicyEngine;
import dev.imagestorage.policy.Reason;
import dev.imagestorage.policy.ReasonCode;
import dev.imagestorage.repository.ImageRepository;
import dev.imagestorage.repository.MetadataImageRepository;
import dev.imagestorage.spi.BlobKey;
import dev.imagestorage.spi.StorageBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The facade a service links against. Every operation names its {@link Caller}; every operation that changes
 * something consults the {@link PolicyEngine} first and throws {@link OperationDeniedException}, carrying the decision,
 * when it is denied. Each such operation has a {@code check...} form that returns the same decision without acting,
 * and {@link #dryRun} describes what any of them would change.
 *
 * <p>Instances are safe for use by many threads. Build one per process with {@link #builder()}.
 */
public final class ImageService {
    private static final Logger log = LoggerFactory.getLogger(ImageService.class);

    private final Catalog catalog;
    private final PolicyEngine policy;
    private final StorageBackend storage;
    private final ImageRepository repository;
    private final Clock clock;
    private final Executor copyExecutor;
    private final Uploader uploader;
    private final Copier copier;

    private ImageService(Builder builder) {
        this.catalog = builder.catalog;
        this.clock = builder.clock;
        this.policy = new PolicyEngine(builder.catalog, builder.clock);
        this.storage = builder.storage;
        this.repository = new MetadataImageRepository(builder.storage.metadata());
        this.copyExecutor = builder.copyExecutor;
        this.uploader = new Uploader(repository, clock);
        this.copier = new Copier(repository, storage, clock);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Catalog catalog() {
        return catalog;
    }

    /** Returns the policy engine this service consults, for callers that query it directly. */
    public PolicyEngine policy() {
        return policy;
    }

    // ---- Contracts and tenants, managed by the provider ----

    /**
     * Records a new contract in good standing.
     *
     * @throws ConflictException when the contract exists already
     */
    public Contract addContract(ContractId id) {
        Contract contract = new Contract(id);
        try {
            repository.createContract(contract);
        } catch (ConflictException e) {
            throw new ConflictException(e.key(), "contract '" + id + "' already exists");
        }
        log.info("Contract {} added", id);
        return contract;
    }

    /**
     * Records a new tenant of an existing contract in a region of the catalog.
     *
     * @throws IllegalArgumentException when the region is not in the catalog
     * @throws NotFoundException when the contract does not exist
     * @throws ConflictException when the tenant exists already
     */
    public Tenant addTenant(TenantId id, ContractId contract, RegionId region) {
        if (!catalog.hasRegion(region)) {
            throw new IllegalArgumentException("unknown region '" + region + "' for tenant " + id
                    + ": the catalog has regions " + catalog.regions());
        }
        Contract owner = contract(contract);
        if (owner.standing() == Standing.TERMINATED) {
            throw new IllegalStateException("contract " + contract + " is terminated and takes no new tenants");
        }
        Tenant tenant = new Tenant(id, contract, region);
        try {
            repository.createTenant(tenant);
        } catch (ConflictException e) {
            throw new ConflictException(e.key(), "tenant '" + id + "' already exists");
        }
        log.info("Tenant {} added to contract {} in region {}", id, contract, region);
        return tenant;
    }

    /** @throws NotFoundException when the contract does not exist */
    public Contract contract(ContractId id) {
        return repository.findContract(id).orElseThrow(() -> new NotFoundException("contract", id.value()));
    }

    /**
     * Returns a tenant with its effective standing: suspended or terminated when the tenant or its contract is.
     *
     * @throws NotFoundException when the tenant does not exist
     */
    public Tenant tenant(TenantId id) {
        Tenant stored = repository.findTenant(id).orElseThrow(() -> new NotFoundException("tenant", id.value()));
        Standing contractStanding = repository.findContract(stored.contract()).map(Contract::standing)
                .orElse(Standing.ACTIVE);
        return stored.withStanding(stored.standing().combine(contractStanding));
    }

    /** Suspends a contract, and so all of its tenants, until {@link #liftContractSuspension} is called. */
    public Contract suspendContract(ContractId id) {
        Contract updated = repository.updateContract(id, c -> c.withStanding(
                changeStanding(c.standing(), Standing.SUSPENDED, "contract " + id)));
        log.info("Contract {} suspended", id);
        return updated;
    }

    /** Lifts the suspension of a contract; everything is as it was before, and the data was kept. */
    public Contract liftContractSuspension(ContractId id) {
        Contract updated = repository.updateContract(id, c -> c.withStanding(
                changeStanding(c.standing(), Standing.ACTIVE, "contract " + id)));
        log.info("Suspension of contract {} lifted", id);
        return updated;
    }

    /** Suspends one tenant until {@link #liftTenantSuspension} is called. */
    public Tenant suspendTenant(TenantId id) {
        Tenant updated = repository.updateTenant(id, t -> t.withStanding(
                changeStanding(t.standing(), Standing.SUSPENDED, "tenant " + id)));
        log.info("Tenant {} suspended", id);
        return updated;
    }

    /** Lifts the suspension of one tenant. */
    public Tenant liftTenantSuspension(TenantId id) {
        Tenant updated = repository.updateTenant(id, t -> t.withStanding(
                changeStanding(t.standing(), Standing.ACTIVE, "tenant " + id)));
        log.info("Suspension of tenant {} lifted", id);
        return updated;
    }

    private static Standing changeStanding(Standing current, Standing requested, String subject) {
        if (current == Standing.TERMINATED) {
            throw new IllegalStateException(subject + " is terminated; its standing can not change");
        }
        return requested;
    }

    /**
     * Ends a contract: every image of every tenant of the contract is deleted, protected ones included, the
     * memberships of those images end, the memberships its tenants held end, and its running copy jobs are
     * cancelled. The contract and its tenants stay on record as {@code TERMINATED}. Repeating it is safe.
     */
    public TerminationReport terminateContract(ContractId id) {
        repository.updateContract(id, c -> c.withStanding(Standing.TERMINATED));
        List<Tenant> tenants = repository.listTenants(id);
        List<Image> deleted = new ArrayList<>();
        List<JobId> cancelled = new ArrayList<>();
        int memberships = 0;

        for (Tenant tenant : tenants) {
            repository.updateTenant(tenant.id(), t -> t.withStanding(Standing.TERMINATED));
            for (CopyJob job : repository.listJobsOf(tenant.id())) {
                CopyJob after = repository.updateJob(job.id(), j -> j.status().isFinal()
                        ? j
                        : j.withStatus(CopyJobStatus.CANCELLED, clock.instant()));
                if (!job.status().isFinal() && after.status() == CopyJobStatus.CANCELLED) {
                    cancelled.add(job.id());
                }
            }
            for (Image image : repository.listImagesOwnedBy(tenant.id())) {
                memberships += removeImage(image);
                deleted.add(image);
            }
            for (Membership membership : repository.listMembershipsOf(tenant.id())) {
                if (repository.deleteMembership(membership.image(), membership.member())) {
                    memberships++;
                }
            }
        }
        log.info("Contract {} terminated: {} images deleted, {} memberships ended, {} copy jobs cancelled", id,
                deleted.size(), memberships, cancelled.size());
        return new TerminationReport(id, tenants.stream().map(Tenant::id).toList(), deleted, memberships, cancelled);
    }

    /** Returns the license declarations made for images of {@code tenant}, oldest first, deleted images included. */
    public List<LicenseDeclaration> licenseDeclarations(TenantId tenant) {
        return repository.listLicenseDeclarations(tenant);
    }

    // ---- Registering, uploading, reading ----

    public Decision checkRegister(Caller caller, RegisterRequest request) {
        Tenant owner = tenant(caller.actingTenant());
        return policy.register(caller, owner, request, repository.usage(owner.id()));
    }

    /**
     * Registers an image in the caller's acting tenant as {@code QUEUED}, taking one slot of the tenant's quota for
     * the image's plan. A declared license type or operating system is recorded as a license declaration.
     *
     * @throws OperationDeniedException when the policy engine denies the registration
     */
    public Image register(Caller caller, RegisterRequest request) {
        Tenant owner = tenant(caller.actingTenant());
        return createImage(caller, owner, request,
                usage -> policy.register(caller, owner, request, usage));
    }

    public Decision checkCapture(Caller caller, ResourceType source, RegisterRequest request) {
        Tenant owner = tenant(caller.actingTenant());
        return policy.capture(caller, owner, source, request, repository.usage(owner.id()));
    }

    /**
     * Registers a template created from a resource of type {@code source}, such as a virtual server or a volume.
     * When the resource was launched from an official image, build the request with
     * {@link RegisterRequest.Builder#derivedFromOfficial}. The data is then uploaded as for any template.
     *
     * @throws OperationDeniedException when the capture is denied, for example from a baremetal server
     */
    public Image capture(Caller caller, ResourceType source, RegisterRequest request) {
        Tenant owner = tenant(caller.actingTenant());
        return createImage(caller, owner, request,
                usage -> policy.capture(caller, owner, source, request, usage));
    }

    private Image createImage(
            Caller caller, Tenant owner, RegisterRequest request,
            java.util.function.Function<dev.imagestorage.model.TenantUsage, Decision> decide) {
        repository.updateUsage(owner.id(), usage -> {
            requireAllowed(decide.apply(usage));
            return usage.add(request.plan(), 1);
        });

        Instant now = clock.instant();
        Image image = Image.registered(ImageId.random(), owner, request, now);
        try {
            repository.createImage(image);
        } catch (RuntimeException e) {
            repository.updateUsage(owner.id(), usage -> usage.add(request.plan(), -1));
            throw e;
        }
        if (request.licenseType() != LicenseType.NONE || request.os().isPresent()) {
            repository.addLicenseDeclaration(new LicenseDeclaration(image.id(), owner.id(), caller.actingTenant(),
                    request.licenseType(), request.os(), now));
        }
        log.info("Image {} '{}' ({} {}) registered in tenant {}", image.id(), image.name(), image.plan(),
                image.format().label(), owner.id());
        return image;
    }

    /** Same as {@link #upload(Caller, ImageId, InputStream, UploadOptions)} through the API with no checksum. */
    public Image upload(Caller caller, ImageId id, InputStream content) {
        return upload(caller, id, content, UploadOptions.api());
    }

    /** Same as {@link #upload(Caller, ImageId, InputStream, UploadOptions)} through the API. */
    public Image upload(Caller caller, ImageId id, InputStream content, String expectedSha256) {
        return upload(caller, id, content, UploadOptions.api().withExpectedSha256(expectedSha256));
    }

    public Decision checkUpload(Caller caller, ImageId id, UploadOptions options) {
        return policy.upload(caller, tenant(caller.actingTenant()), findExisting(id), options.channel(),
                options.declaredSizeBytes());
    }

    /**
     * Stores the bytes of a {@code QUEUED} image. The image is {@code SAVING} while the bytes stream through the
     * format inspector, the size limit of the channel and SHA-256 into the region's blob store; it ends
     * {@code ACTIVE}, or {@code KILLED} with every partial byte removed. The stream is read to its end but not
     * closed.
     *
     * @throws OperationDeniedException when the caller may not upload to this image, or it is not {@code QUEUED}
     * @throws UploadRejectedException when the content is rejected, also when a declared size differs from the
     *     bytes that arrived; the image is then {@code KILLED}
     */
    public Image upload(Caller caller, ImageId id, InputStream content, UploadOptions options) {
        requireNonNull(content, "content");
        requireNonNull(options, "options");
        Tenant actor = tenant(caller.actingTenant());
        Image saving = repository.updateImage(id, current -> {
            requireExists(current);
            requireAllowed(policy.upload(caller, actor, current, options.channel(), options.declaredSizeBytes()));
            return current.withStatus(ImageStatus.SAVING, clock.instant());
        });
        Limits limits = catalog.limits();
        Uploader.SizeLimit limit = new Uploader.SizeLimit(limits.maxImageSizeBytes(), "image size limit", "");
        if (options.channel() == dev.imagestorage.model.UploadChannel.PORTAL
                && limits.maxPortalUploadBytes() < limits.maxImageSizeBytes()) {
            // NOTE: the portal limit is applied to the stored bytes, which for a compressed upload are the
            // decompressed disk rather than the bytes the browser sends.
            limit = new Uploader.SizeLimit(limits.maxPortalUploadBytes(), "portal upload limit",
                    "; upload larger images through the API");
        }
        return uploader.store(saving, storage.blobs(saving.region()), content, options, limit);
    }

    /**
     * Returns an image the caller's acting tenant can see: one it owns, in any status but {@code DELETED}, or one
     * shared with it that it accepted, while its owner is in good standing.
     *
     * @throws NotFoundException when there is no such image, or the tenant can not see it
     */
    public Image image(Caller caller, ImageId id) {
        Image image = findExisting(id);
        if (!isUsable(caller, image)) {
            throw new NotFoundException("image", id.value());
        }
        return image;
    }

    private boolean isUsable(Caller caller, Image image) {
        if (image.owner().equals(caller.actingTenant())) {
            return true;
        }
        return PolicyEngine.isVisible(caller, image, repository.findMembership(image.id(), caller.actingTenant()))
                && tenant(image.owner()).isActive();
    }

    /**
     * Lists the images the caller's acting tenant can see: its own images in any status but {@code DELETED}, then
     * the {@code ACTIVE} images of other tenants whose membership it accepted and whose owner is in good standing.
     * Each group is in id order.
     */
    public List<Image> listImages(Caller caller) {
        TenantId tenant = tenant(caller.actingTenant()).id();
        List<Image> visible = new ArrayList<>(repository.listImagesOwnedBy(tenant));
        List<Image> shared = new ArrayList<>();
        Map<TenantId, Boolean> ownerActive = new HashMap<>();
        for (Membership membership : repository.listMembershipsOf(tenant)) {
            if (membership.status() != MembershipStatus.ACCEPTED) {
                continue;
            }
            repository.findImage(membership.image())
                    .filter(Image::isActive)
                    .filter(image -> ownerActive.computeIfAbsent(image.owner(), owner -> tenant(owner).isActive()))
                    .ifPresent(shared::add);
        }
        shared.sort(Comparator.comparing(Image::id));
        visible.addAll(shared);
        return visible;
    }

    /** Lists the memberships of other tenants in an image that the caller's acting tenant owns. */
    public List<Membership> listMembers(Caller caller, ImageId id) {
        Image image = findExisting(id);
        if (!image.owner().equals(caller.actingTenant())) {
            throw new NotFoundException("image", id.value());
        }
        return repository.listMembers(id);
    }

    /** Lists the memberships of the caller's acting tenant in other tenants' images, in every status. */
    public List<Membership> listMemberships(Caller caller) {
        return repository.listMembershipsOf(tenant(caller.actingTenant()).id());
    }

    public Decision checkDownload(Caller caller, ImageId id) {
        return checkDownload(caller, findExisting(id));
    }

    private Decision checkDownload(Caller caller, Image image) {
        return policy.download(caller, tenant(caller.actingTenant()), image, tenant(image.owner()),
                repository.findMembership(image.id(), caller.actingTenant()));
    }

    /**
     * Writes the bytes of an image to {@code out} and verifies their SHA-256 against the one recorded at upload.
     * The check ends when the last byte is written, so a caller that gets an exception must discard what it
     * received.
     *
     * @return the decision, which may carry warnings the caller should show
     * @throws OperationDeniedException when the download is denied
     * @throws StorageIoException when reading or writing fails, or the stored bytes no longer match their SHA-256
     */
    public Decision download(Caller caller, ImageId id, OutputStream out) {
        requireNonNull(out, "out");
        Image image = findExisting(id);
        Decision decision = requireAllowed(checkDownload(caller, image));

        BlobKey key = BlobKey.of(id);
        HashingOutputStream hashing = new HashingOutputStream(Hashing.sha256(), out);
        long copied;
        try (InputStream in = storage.blobs(image.region()).open(key)) {
            copied = in.transferTo(hashing);
        } catch (IOException e) {
            throw new StorageIoException(key.value(), "download of image " + id + " failed: " + e.getMessage(), e);
        } catch (NotFoundException e) {
            throw new StorageIoException(key.value(), "the data of ACTIVE image " + id + " is missing from region "
                    + image.region() + "; the store lost it", e);
        }
        String actual = hashing.hash().toString();
        if (copied != image.sizeBytes() || !image.sha256().orElse("").equals(actual)) {
            throw new StorageIoException(key.value(), "stored data of image " + id + " is corrupt: read " + copied
                    + " bytes with SHA-256 " + actual + ", expected " + image.sizeBytes() + " bytes with SHA-256 "
                    + image.sha256().orElse("(none)"), null);
        }
        log.info("Image {} downloaded by tenant {} ({} bytes)", id, caller.actingTenant(), copied);
        return decision;
    }

    // ---- Deleting and protecting ----

    public Decision checkDelete(Caller caller, ImageId id) {
        return policy.delete(caller, findExisting(id));
    }

    /**
     * Deletes an image for good: its status becomes {@code DELETED}, members lose access at once, its bytes are
     * removed and its quota slot is freed.
     *
     * @throws OperationDeniedException when the deletion is denied, for example because the image is protected
     */
    public void delete(Caller caller, ImageId id) {
        Image image = findExisting(id);
        requireAllowed(policy.delete(caller, image));
        removeImage(image);
        log.info("Image {} of tenant {} deleted", id, image.owner());
    }

    /**
     * Marks an image {@code DELETED} unless it is already, then ends its memberships and attachments, removes its
     * bytes and frees its quota slot.
     *
     * @return how many memberships ended
     */
    private int removeImage(Image image) {
        boolean[] deletedNow = new boolean[1];
        Image deleted = repository.updateImage(image.id(), current -> {
            deletedNow[0] = current.status() != ImageStatus.DELETED;
            return current.withStatus(ImageStatus.DELETED, clock.instant());
        });
        int memberships = 0;
        for (Membership membership : repository.listMembers(image.id())) {
            if (repository.deleteMembership(image.id(), membership.member())) {
                memberships++;
            }
        }
        for (IsoAttachment attachment : repository.listAttachmentsOfImage(image.id())) {
            repository.deleteAttachment(image.id(), attachment.server());
        }
        storage.blobs(deleted.region()).delete(BlobKey.of(image.id()));
        if (deletedNow[0]) {
            repository.updateUsage(deleted.owner(), usage -> usage.add(deleted.plan(), -1));
        }
        return memberships;
    }

    /** Turns deletion protection on; only the owner may. */
    public Image protect(Caller caller, ImageId id) {
        return changeProtection(caller, id, true);
    }

    /** Turns deletion protection off; only the owner may. */
    public Image unprotect(Caller caller, ImageId id) {
        return changeProtection(caller, id, false);
    }

    private Image changeProtection(Caller caller, ImageId id, boolean enabled) {
        Image updated = repository.updateImage(id, current -> {
            requireExists(current);
            if (!current.owner().equals(caller.actingTenant())) {
                throw new OperationDeniedException(Decision.of(Operation.PROTECT,
                        "turn deletion protection " + (enabled ? "on" : "off") + " for image " + id,
                        List.of(Reason.deny(ReasonCode.IMAGE_NOT_OWNER, "tenant " + caller.actingTenant()
                                + " does not own image " + id + " (owner: tenant " + current.owner()
                                + ") and can not change its protection"))));
            }
            return current.withDeletionProtection(enabled, clock.instant());
        });
        log.info("Deletion protection of image {} turned {}", id, enabled ? "on" : "off");
        return updated;
    }

    // ---- Sharing ----

    public Decision checkAddMember(Caller caller, ImageId id, TenantId member) {
        Image image = findExisting(id);
        return policy.addMember(caller, image, tenant(image.owner()), tenant(member),
                repository.findMembership(id, member));
    }

    /**
     * Adds {@code member} to the members of an image as {@code PENDING}. The member can use the image once it accepts. No
     * notice is sent to the member.
     */
    public Membership addMember(Caller caller, ImageId id, TenantId member) {
        requireAllowed(checkAddMember(caller, id, member));
        Instant now = clock.instant();
        Membership membership = new Membership(id, member, MembershipStatus.PENDING, now, now);
        repository.createMembership(membership);
        log.info("Tenant {} added as a member of image {}", member, id);
        return membership;
    }

    public Decision checkRemoveMember(Caller caller, ImageId id, TenantId member) {
        return policy.removeMember(caller, findExisting(id), member, repository.findMembership(id, member));
    }

    /** Removes {@code member} from the members of an image; its access ends at once, even after it accepted. */
    public void removeMember(Caller caller, ImageId id, TenantId member) {
        requireAllowed(checkRemoveMember(caller, id, member));
        repository.deleteMembership(id, member);
        log.info("Tenant {} removed from the members of image {}", member, id);
    }

    public Decision checkAccept(Caller caller, ImageId id, TenantId member) {
        return checkAnswer(caller, id, member, MembershipStatus.ACCEPTED);
    }

    public Decision checkReject(Caller caller, ImageId id, TenantId member) {
        return checkAnswer(caller, id, member, MembershipStatus.REJECTED);
    }

    /** Accepts, for {@code member}, an image shared with it; a rejected membership may be accepted later. */
    public Membership accept(Caller caller, ImageId id, TenantId member) {
        return answer(caller, id, member, MembershipStatus.ACCEPTED);
    }

    /** Rejects, for {@code member}, an image shared with it; the image is then hidden from the member. */
    public Membership reject(Caller caller, ImageId id, TenantId member) {
        return answer(caller, id, member, MembershipStatus.REJECTED);
    }

    private Decision checkAnswer(Caller caller, ImageId id, TenantId member, MembershipStatus answer) {
        return policy.answer(caller, tenant(caller.actingTenant()), findExisting(id), member, answer,
                repository.findMembership(id, member));
    }

    private Membership answer(Caller caller, ImageId id, TenantId member, MembershipStatus answer) {
        requireAllowed(checkAnswer(caller, id, member, answer));
        Membership updated = repository.updateMembership(id, member,
                current -> current.withStatus(answer, clock.instant()));
        log.info("Tenant {} set its membership in image {} to {}", member, id, answer);
        return updated;
    }

    // ---- Copying ----

    /** Same as {@link #checkCopy(Caller, CopyRequest)} without acknowledging a transfer to another region. */
    public Decision checkCopy(Caller caller, ImageId id, TenantId destination) {
        return checkCopy(caller, CopyRequest.of(id, destination));
    }

    public Decision checkCopy(Caller caller, CopyRequest request) {
        Image source = findExisting(request.source());
        Tenant target = tenant(request.destination());
        return policy.copy(caller, source, tenant(source.owner()), target, request, repository.usage(target.id()));
    }

    /** Same as {@link #copy(Caller, CopyRequest)} without acknowledging a transfer to another region. */
    public CopyJob copy(Caller caller, ImageId id, TenantId destination) {
        return copy(caller, CopyRequest.of(id, destination));
    }

    /**
     * Starts a copy job of an image into the request's destination tenant, taking one slot of the destination's
     * quota. The job runs on the copy executor; with the default executor it has ended when this method returns.
     * The copy is billed to the destination from the moment its data is saved.
     *
     * @return the job as it is when this method returns
     * @throws OperationDeniedException when the copy is denied
     */
    public CopyJob copy(Caller caller, CopyRequest request) {
        Image source = findExisting(request.source());
        Tenant sourceTenant = tenant(source.owner());
        Tenant target = tenant(request.destination());
        repository.updateUsage(target.id(), usage -> {
            requireAllowed(policy.copy(caller, source, sourceTenant, target, request, usage));
            return usage.add(source.plan(), 1);
        });

        Instant now = clock.instant();
        Image copy = source.copyTo(ImageId.random(), target, now);
        repository.createImage(copy);
        CopyJob job = new CopyJob(JobId.random(), source.id(), sourceTenant.id(), copy.id(), target.id(),
                caller.actingTenant(), CopyJobStatus.QUEUED, 0, source.sizeBytes(), Optional.empty(), now, now);
        repository.createJob(job);
        log.info("Copy job {} created: image {} of tenant {} to tenant {} as image {}", job.id(), source.id(),
                sourceTenant.id(), target.id(), copy.id());

        try {
            copyExecutor.execute(() -> copier.run(job.id()));
        } catch (RejectedExecutionException e) {
            log.warn("Copy executor rejected job {}", job.id(), e);
            repository.updateJob(job.id(), current -> current.withFailure(
                    "the copy executor rejected the job: " + e.getMessage(), clock.instant()));
            copier.run(job.id());
        }
        return repository.findJob(job.id()).orElseThrow(() -> new NotFoundException("copy job", job.id().value()));
    }

    /** Returns a copy job whose source or destination tenant the caller has access authority on. */
    public CopyJob job(Caller caller, JobId id) {
        CopyJob job = repository.findJob(id).orElseThrow(() -> new NotFoundException("copy job", id.value()));
        if (!caller.hasAccessTo(job.sourceTenant()) && !caller.hasAccessTo(job.destinationTenant())) {
            throw new NotFoundException("copy job", id.value());
        }
        return job;
    }

    /** Lists the copy jobs whose source or destination is the caller's acting tenant. */
    public List<CopyJob> listJobs(Caller caller) {
        return repository.listJobsOf(tenant(caller.actingTenant()).id());
    }

    public Decision checkCancelCopy(Caller caller, JobId id) {
        return policy.cancelCopy(caller, job(caller, id));
    }

    /**
     * Cancels a copy job that has not ended. The running copy stops at its next progress update, and its
     * destination image and data are removed.
     */
    public CopyJob cancelCopy(Caller caller, JobId id) {
        job(caller, id);
        CopyJob[] before = new CopyJob[1];
        CopyJob cancelled = repository.updateJob(id, current -> {
            requireAllowed(policy.cancelCopy(caller, current));
            before[0] = current;
            return current.withStatus(CopyJobStatus.CANCELLED, clock.instant());
        });
        if (before[0].status() == CopyJobStatus.QUEUED) {
            // The copy has not started, so nothing else will remove its destination until the executor runs it.
            copier.discardDestination(cancelled);
        }
        log.info("Copy job {} cancelled by tenant {}", id, caller.actingTenant());
        return cancelled;
    }

    // ---- Resources ----

    public Decision checkLaunch(Caller caller, ImageId id, LaunchRequest request) {
        Image image = findExisting(id);
        return policy.launch(caller, tenant(caller.actingTenant()), image, tenant(image.owner()),
                repository.findMembership(id, caller.actingTenant()), request);
    }

    /**
     * Grants the creation of a resource from an image, for the service that creates it. The resource is billed to
     * the acting tenant, and its operating system according to the image's license type.
     *
     * @throws OperationDeniedException when creating that resource from the image is denied
     */
    public LaunchGrant launch(Caller caller, ImageId id, LaunchRequest request) {
        Image image = findExisting(id);
        Decision decision = requireAllowed(checkLaunch(caller, id, request));
        log.info("Tenant {} may create a {} from image {}", caller.actingTenant(), request.resource(), id);
        return new LaunchGrant(id, caller.actingTenant(), image.licenseType(), decision);
    }

    public Decision checkAttachIso(Caller caller, ImageId id, ServerRef server, ServerPhase phase) {
        Image image = findExisting(id);
        return policy.attachIso(caller, tenant(caller.actingTenant()), image, tenant(image.owner()),
                repository.findMembership(id, caller.actingTenant()), server, phase,
                repository.listAttachmentsOfImage(id), repository.listAttachmentsOfServer(server));
    }

    /**
     * Records that an ISO image is attached to a server. A baremetal server and an ISO image are attached one to
     * one, also when several processes race. A virtual server takes an ISO image only at launch.
     *
     * @throws OperationDeniedException when the attachment is denied
     */
    public IsoAttachment attachIso(Caller caller, ImageId id, ServerRef server, ServerPhase phase) {
        requireAllowed(checkAttachIso(caller, id, server, phase));
        Optional<IsoAttachment> existing = repository.listAttachmentsOfImage(id).stream()
                .filter(a -> a.server().equals(server))
                .findFirst();
        if (existing.isPresent()) {
            // Attaching the same image to the same virtual server again changes nothing.
            return existing.get();
        }
        IsoAttachment attachment = new IsoAttachment(id, server, caller.actingTenant(), clock.instant());
        try {
            repository.createAttachment(attachment);
        } catch (ConflictException e) {
            // Another process attached the image or the server between the check and the write.
            throw new OperationDeniedException(Decision.of(Operation.ATTACH_ISO, "attach image " + id + " to " + server,
                    List.of(Reason.deny(ReasonCode.ISO_IN_USE_BY_BAREMETAL, "the attachment was taken concurrently: "
                            + e.getMessage()))));
        }
        if (repository.findImage(id).map(Image::status).orElse(ImageStatus.DELETED) == ImageStatus.DELETED) {
            // The image was deleted while it was being attached, after its deletion removed the attachments.
            repository.deleteAttachment(id, server);
            throw new NotFoundException("image", id.value());
        }
        log.info("Image {} attached to {}", id, server);
        return attachment;
    }

    public Decision checkDetachIso(Caller caller, ImageId id, ServerRef server, ServerPhase phase) {
        Image image = repository.findImage(id).orElseThrow(() -> new NotFoundException("image", id.value()));
        Optional<IsoAttachment> existing = repository.listAttachmentsOfImage(id).stream()
                .filter(a -> a.server().equals(server))
                .findFirst();
        return policy.detachIso(caller, image, server, phase, existing);
    }

    /** Records that an ISO image is detached from a server; a virtual server gives it back only at deletion. */
    public void detachIso(Caller caller, ImageId id, ServerRef server, ServerPhase phase) {
        requireAllowed(checkDetachIso(caller, id, server, phase));
        repository.deleteAttachment(id, server);
        log.info("Image {} detached from {}", id, server);
    }

    // ---- Billing, dry runs and plans ----

    /** Reports who pays for which image storage, for every tenant of {@code contract}. */
    public UsageReport usageReport(ContractId contract) {
        contract(contract);
        List<UsageReport.Line> lines = new ArrayList<>();
        for (Tenant tenant : repository.listTenants(contract)) {
            lines.add(usageLine(tenant));
        }
        return new UsageReport(clock.instant(), lines);
    }

    /** Reports who pays for which image storage, for one tenant. */
    public UsageReport usageReport(TenantId tenant) {
        return new UsageReport(clock.instant(), List.of(usageLine(tenant(tenant))));
    }

    private UsageReport.Line usageLine(Tenant tenant) {
        List<UsageReport.BilledImage> billed = new ArrayList<>();
        for (Image image : repository.listImagesOwnedBy(tenant.id())) {
            if (image.isActive() && image.savedAt().isPresent()) {
                billed.add(new UsageReport.BilledImage(image.id(), image.plan(), image.sizeBytes(),
                        image.savedAt().get()));
            }
        }
        List<ImageId> shared = new ArrayList<>();
        for (Membership membership : repository.listMembershipsOf(tenant.id())) {
            if (membership.status() == MembershipStatus.ACCEPTED) {
                repository.findImage(membership.image()).filter(Image::isActive).ifPresent(i -> shared.add(i.id()));
            }
        }
        return new UsageReport.Line(tenant.id(), tenant.contract(), tenant.region(), billed, shared);
    }

    /** Tells what {@code operation} would do for the caller, without doing it. */
    public DryRun dryRun(Caller caller, PlannedOperation operation) {
        return new DryRunner(this, repository, catalog).run(caller, operation);
    }

    /**
     * Plans the shortest sequence of copies and shares that lets {@code target} use image {@code id}, as the
     * caller: copies inside the image's contract to tenants the caller has access authority on, then a share.
     */
    public DistributionPlan planDistribution(Caller caller, ImageId id, TenantId target) {
        Image source = findExisting(id);
        Tenant owner = tenant(source.owner());
        Tenant destination = tenant(target);
        List<Tenant> candidates = new ArrayList<>();
        for (Tenant tenant : repository.listTenants(owner.contract())) {
            candidates.add(tenant(tenant.id()));
        }
        return new DistributionPlanner(policy).plan(caller, source, owner, destination, candidates,
                tenant -> repository.usage(tenant.id()), repository.findMembership(id, target), clock.instant());
    }

    // ---- Maintenance ----

    /**
     * Cleans up work that a crash or a lost connection left unfinished: uploads still {@code SAVING} and copy jobs
     * still {@code QUEUED} or {@code RUNNING} whose last change is older than {@code minimumAge} end as
     * {@code KILLED} and {@code FAILED}, and the blob stores that support it remove partial uploads of that age.
     * Choose an age well above the longest upload or copy in progress, because a live one older than the age is
     * cut off too.
     */
    public RecoveryReport recoverInterruptedWork(java.time.Duration minimumAge) {
        if (minimumAge.isNegative()) {
            throw new IllegalArgumentException("invalid minimum age " + minimumAge + ": it must not be negative");
        }
        Instant cutoff = clock.instant().minus(minimumAge);
        List<JobId> failedJobs = new ArrayList<>();
        for (CopyJob job : repository.listAllJobs()) {
            if (job.status().isFinal() || !job.updatedAt().isBefore(cutoff)) {
                continue;
            }
            repository.updateJob(job.id(), j -> j.status().isFinal()
                    ? j
                    : j.withFailure("interrupted: no progress since " + j.updatedAt(), clock.instant()));
            copier.discardDestination(job);
            failedJobs.add(job.id());
        }
        List<ImageId> killed = new ArrayList<>();
        for (Image image : repository.listAllImages()) {
            if (image.status() != ImageStatus.SAVING || !image.updatedAt().isBefore(cutoff)) {
                continue;
            }
            Image after = repository.updateImage(image.id(), i -> i.status() == ImageStatus.SAVING
                    ? i.withStatus(ImageStatus.KILLED, clock.instant())
                    : i);
            if (after.status() == ImageStatus.KILLED) {
                storage.blobs(after.region()).delete(BlobKey.of(after.id()));
                killed.add(after.id());
            }
        }
        int removed = 0;
        for (RegionId region : catalog.regions()) {
            if (storage.blobs(region) instanceof dev.imagestorage.spi.SupportsUnfinishedUploadCleanup cleanup) {
                removed += cleanup.deleteUnfinishedUploads(minimumAge);
            }
        }
        log.info("Recovered interrupted work: {} uploads killed, {} copy jobs failed, {} partial uploads removed",
                killed.size(), failedJobs.size(), removed);
        return new RecoveryReport(killed, failedJobs, removed);
    }

    // ---- Helpers ----

    Image findExisting(ImageId id) {
        return repository.findImage(id)
                .filter(image -> image.status() != ImageStatus.DELETED)
                .orElseThrow(() -> new NotFoundException("image", id.value()));
    }

    private static void requireExists(Image image) {
        if (image.status() == ImageStatus.DELETED) {
            throw new NotFoundException("image", image.id().value());
        }
    }

    private static Decision requireAllowed(Decision decision) {
        if (decision.isDenied()) {
            throw new OperationDeniedException(decision);
        }
        return decision;
    }

    /** Builds an {@link ImageService}; only the storage backend is required. */
    public static final class Builder {
        private Catalog catalog = Catalog.defaults();
        private StorageBackend storage;
        private Clock clock = Clock.systemUTC();
        private Executor copyExecutor = Runnable::run;

        private Builder() {}

        /** Sets the regions, limits, licenses and official templates; {@link Catalog#defaults()} when not set. */
        public Builder catalog(Catalog value) {
            this.catalog = requireNonNull(value, "catalog");
            return this;
        }

        /** Sets where metadata and bytes are kept. Required. */
        public Builder storage(StorageBackend value) {
            if (this.storage != null) {
                throw new IllegalStateException("storage was already set to " + this.storage);
            }
            this.storage = requireNonNull(value, "storage");
            return this;
        }

        /** Sets the clock for timestamps and license support dates; the system UTC clock when not set. */
        public Builder clock(Clock value) {
            this.clock = requireNonNull(value, "clock");
            return this;
        }

        /**
         * Sets where copy jobs run. When not set they run on the calling thread, so {@link #copy} returns a finished
         * job; pass a thread pool to run them in the background.
         */
        public Builder copyExecutor(Executor value) {
            this.copyExecutor = requireNonNull(value, "copyExecutor");
            return this;
        }

        /**
         * Builds the service, after checking that the storage backend has a blob store for every region of the
         * catalog.
         *
         * @throws IllegalStateException when no storage backend was set
         * @throws IllegalArgumentException when the backend has no blob store for a region of the catalog
         */
        public ImageService build() {
            if (storage == null) {
                throw new IllegalStateException("no storage backend set: call storage(...) with, for example, "
                        + "a FileSystemStorage or an InMemoryStorage");
            }
            for (RegionId region : catalog.regions()) {
                storage.blobs(region);
            }
            return new ImageService(this);
        }
    }
}
