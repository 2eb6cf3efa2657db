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
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.Contract;
import dev.imagestorage.model.ContractId;
import dev.imagestorage.model.CopyJob;
import dev.imagestorage.model.CopyJobStatus;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.JobId;
import dev.imagestorage.model.Membership;
import dev.imagestorage.model.MembershipStatus;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.policy.Decision;
import dev.imagestorage.policy.PolicyEngine;
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
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The facade a service links against. Every operation names its {@link Caller}; every operation that changes
 * something asks the {@link PolicyEngine} first and throws {@link OperationDeniedException}, carrying the decision,
 * when it is denied. Each such operation has a {@code check...} form that returns the same decision without acting.
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
        this.policy = new PolicyEngine(builder.catalog);
        this.storage = builder.storage;
        this.repository = new MetadataImageRepository(builder.storage.metadata());
        this.clock = builder.clock;
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

    /** The policy engine this service asks, for callers that want to ask it questions directly. */
    public PolicyEngine policy() {
        return policy;
    }

    // ---- Contracts and tenants, managed by the provider ----

    /**
     * Records a new contract.
     *
     * @throws ConflictException when the contract exists already
     */
    public Contract addContract(ContractId id) {
        Contract contract = new Contract(id);
        repository.createContract(contract);
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
        repository.findContract(contract).orElseThrow(() -> new NotFoundException("contract", contract.value()));
        Tenant tenant = new Tenant(id, contract, region);
        repository.createTenant(tenant);
        log.info("Tenant {} added to contract {} in region {}", id, contract, region);
        return tenant;
    }

    /** @throws NotFoundException when the tenant does not exist */
    public Tenant tenant(TenantId id) {
        return repository.findTenant(id).orElseThrow(() -> new NotFoundException("tenant", id.value()));
    }

    // ---- Registering, uploading, reading ----

    public Decision checkRegister(Caller caller, RegisterRequest request) {
        Tenant owner = tenant(caller.actingTenant());
        return policy.register(caller, owner, request, repository.usage(owner.id()));
    }

    /**
     * Registers an image in the caller's acting tenant as {@code QUEUED}, taking one slot of the tenant's quota for
     * the image's plan.
     *
     * @throws OperationDeniedException when the policy engine denies the registration
     */
    public Image register(Caller caller, RegisterRequest request) {
        Tenant owner = tenant(caller.actingTenant());
        repository.updateUsage(owner.id(), usage -> {
            requireAllowed(policy.register(caller, owner, request, usage));
            return usage.add(request.plan(), 1);
        });

        Instant now = clock.instant();
        Image image = new Image(ImageId.random(), owner.id(), owner.region(), request.plan(), request.format(),
                request.name(), request.tags(), request.minDiskGb(), request.minMemoryMb(),
                request.deletionProtected(), request.origin(), request.licenseType(), ImageStatus.QUEUED, 0,
                Optional.empty(), Optional.empty(), request.os(), OptionalLong.empty(), now, now);
        try {
            repository.createImage(image);
        } catch (RuntimeException e) {
            repository.updateUsage(owner.id(), usage -> usage.add(request.plan(), -1));
            throw e;
        }
        log.info("Image {} '{}' ({} {}) registered in tenant {}", image.id(), image.name(), image.plan(),
                image.format().label(), owner.id());
        return image;
    }

    /** Same as {@link #upload(Caller, ImageId, InputStream, String)} without an expected checksum. */
    public Image upload(Caller caller, ImageId id, InputStream content) {
        return upload(caller, id, content, Optional.empty());
    }

    /**
     * Stores the bytes of a {@code QUEUED} image. The image is {@code SAVING} while the bytes stream through the
     * format inspector, the size limit and SHA-256 into the region's blob store; it ends {@code ACTIVE}, or
     * {@code KILLED} with every partial byte removed. The stream is read to its end but not closed.
     *
     * @param expectedSha256 lower-case hex SHA-256 the content must have
     * @throws OperationDeniedException when the caller may not upload to this image, or it is not {@code QUEUED}
     * @throws UploadRejectedException when the content is rejected; the image is then {@code KILLED}
     */
    public Image upload(Caller caller, ImageId id, InputStream content, String expectedSha256) {
        requireNonNull(expectedSha256, "expectedSha256");
        if (!expectedSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("invalid expected SHA-256 '" + expectedSha256
                    + "': use 64 lower-case hex digits");
        }
        return upload(caller, id, content, Optional.of(expectedSha256));
    }

    private Image upload(Caller caller, ImageId id, InputStream content, Optional<String> expectedSha256) {
        requireNonNull(content, "content");
        Image saving = repository.updateImage(id, current -> {
            requireExists(current);
            requireAllowed(policy.upload(caller, current));
            return current.withStatus(ImageStatus.SAVING, clock.instant());
        });
        return uploader.store(saving, storage.blobs(saving.region()), content, expectedSha256, catalog.limits());
    }

    /**
     * Returns an image the caller's acting tenant can see: one it owns, in any status but {@code DELETED}, or one
     * shared with it that it accepted.
     *
     * @throws NotFoundException when there is no such image, or the tenant can not see it
     */
    public Image image(Caller caller, ImageId id) {
        Image image = findExisting(id);
        if (!PolicyEngine.isVisible(caller, image, repository.findMembership(id, caller.actingTenant()))) {
            throw new NotFoundException("image", id.value());
        }
        return image;
    }

    /**
     * Lists the images the caller's acting tenant can see: its own images in any status but {@code DELETED}, then
     * the {@code ACTIVE} images of other tenants whose membership it accepted. Each group is in id order.
     */
    public List<Image> listImages(Caller caller) {
        TenantId tenant = tenant(caller.actingTenant()).id();
        List<Image> visible = new ArrayList<>(repository.listImagesOwnedBy(tenant));
        List<Image> shared = new ArrayList<>();
        for (Membership membership : repository.listMembershipsOf(tenant)) {
            if (membership.status() != MembershipStatus.ACCEPTED) {
                continue;
            }
            repository.findImage(membership.image())
                    .filter(Image::isActive)
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
        return repository.listMembershipsOf(caller.actingTenant());
    }

    public Decision checkDownload(Caller caller, ImageId id) {
        Image image = findExisting(id);
        return policy.download(caller, image, repository.findMembership(id, caller.actingTenant()));
    }

    /**
     * Writes the bytes of an image to {@code out} and verifies their SHA-256 against the one recorded at upload.
     *
     * @return the decision, which may carry warnings the caller should show
     * @throws OperationDeniedException when the download is denied
     * @throws StorageIoException when reading or writing fails, or the stored bytes no longer match their SHA-256
     */
    public Decision download(Caller caller, ImageId id, OutputStream out) {
        Image image = findExisting(id);
        Decision decision = requireAllowed(
                policy.download(caller, image, repository.findMembership(id, caller.actingTenant())));

        BlobKey key = BlobKey.of(id);
        HashingOutputStream hashing = new HashingOutputStream(Hashing.sha256(), out);
        long copied;
        try (InputStream in = storage.blobs(image.region()).open(key)) {
            copied = in.transferTo(hashing);
        } catch (IOException e) {
            throw new StorageIoException(key.value(), "download of image " + id + " failed: " + e.getMessage(), e);
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
        Image deleted = repository.updateImage(id, current -> {
            requireExists(current);
            requireAllowed(policy.delete(caller, current));
            return current.withStatus(ImageStatus.DELETED, clock.instant());
        });
        for (Membership membership : repository.listMembers(id)) {
            repository.deleteMembership(id, membership.member());
        }
        storage.blobs(deleted.region()).delete(BlobKey.of(id));
        repository.updateUsage(deleted.owner(), usage -> usage.add(deleted.plan(), -1));
        log.info("Image {} of tenant {} deleted", id, deleted.owner());
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
                throw new NotFoundException("image", id.value());
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
     * Adds {@code member} to the members of an image as {@code PENDING}; it sees the image once it accepts. No
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
        return policy.answer(caller, findExisting(id), member, answer, repository.findMembership(id, member));
    }

    private Membership answer(Caller caller, ImageId id, TenantId member, MembershipStatus answer) {
        requireAllowed(checkAnswer(caller, id, member, answer));
        Membership updated = repository.updateMembership(id, member,
                current -> current.withStatus(answer, clock.instant()));
        log.info("Tenant {} answered {} for image {}", member, answer, id);
        return updated;
    }

    // ---- Copying ----

    public Decision checkCopy(Caller caller, ImageId id, TenantId destination) {
        Image source = findExisting(id);
        Tenant target = tenant(destination);
        return policy.copy(caller, source, tenant(source.owner()), target, repository.usage(target.id()));
    }

    /**
     * Starts a copy job of an image into {@code destination}, taking one slot of the destination's quota. The job
     * runs on the copy executor; with the default executor it has ended when this method returns.
     *
     * @return the job as it is when this method returns
     * @throws OperationDeniedException when the copy is denied
     */
    public CopyJob copy(Caller caller, ImageId id, TenantId destination) {
        Image source = findExisting(id);
        Tenant sourceTenant = tenant(source.owner());
        Tenant target = tenant(destination);
        repository.updateUsage(target.id(), usage -> {
            requireAllowed(policy.copy(caller, source, sourceTenant, target, usage));
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
        return repository.listJobsOf(caller.actingTenant());
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
        CopyJob cancelled = repository.updateJob(id, current -> {
            requireAllowed(policy.cancelCopy(caller, current));
            return current.withStatus(CopyJobStatus.CANCELLED, clock.instant());
        });
        log.info("Copy job {} cancelled by tenant {}", id, caller.actingTenant());
        return cancelled;
    }

    // ---- Helpers ----

    private Image findExisting(ImageId id) {
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

        /** The regions and limits; {@link Catalog#defaults()} when not set. */
        public Builder catalog(Catalog value) {
            this.catalog = requireNonNull(value, "catalog");
            return this;
        }

        /** Where metadata and bytes are kept. Required. */
        public Builder storage(StorageBackend value) {
            if (this.storage != null) {
                throw new IllegalStateException("storage was already set to " + this.storage);
            }
            this.storage = requireNonNull(value, "storage");
            return this;
        }

        /** The clock for timestamps; the system UTC clock when not set. */
        public Builder clock(Clock value) {
            this.clock = requireNonNull(value, "clock");
            return this;
        }

        /**
         * Where copy jobs run. When not set they run on the calling thread, so {@link #copy} returns a finished job;
         * pass a thread pool to run them in the background.
         */
        public Builder copyExecutor(Executor value) {
            this.copyExecutor = requireNonNull(value, "copyExecutor");
            return this;
        }

        /**
         * Builds the service.
         *
         * @throws IllegalStateException when no storage backend was set
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
