package dev.imagestorage.repository;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagestorage.ConflictException;
import dev.imagestorage.NotFoundException;
import dev.imagestorage.StorageIoException;
import dev.imagestorage.model.Contract;
import dev.imagestorage.model.ContractId;
import dev.imagestorage.model.CopyJob;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.IsoAttachment;
import dev.imagestorage.model.JobId;
import dev.imagestorage.model.LicenseDeclaration;
import dev.imagestorage.model.Membership;
import dev.imagestorage.model.ResourceType;
import dev.imagestorage.model.ServerRef;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.model.TenantUsage;
import dev.imagestorage.spi.MetadataKey;
import dev.imagestorage.spi.MetadataStore;
import dev.imagestorage.spi.VersionedValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link ImageRepository} that stores each record as a JSON document in a {@link MetadataStore}.
 *
 * <p>Key layout:
 * <pre>
 * contracts/{contract}                     a contract
 * tenants/{tenant}                         a tenant
 * contract-tenants/{contract}/{tenant}     index: the tenants of a contract
 * images/{image}                           an image, in every status
 * owner-images/{tenant}/{image}            index: the images a tenant owns, removed when the image is deleted
 * members/{image}/{tenant}                 a membership
 * member-images/{tenant}/{image}           index: the images a tenant is a member of
 * jobs/{job}                               a copy job
 * tenant-jobs/{tenant}/{job}               index: the jobs whose source or destination is the tenant
 * usage/{tenant}                           per-tenant counters
 * licenses/{tenant}/{declaration}          a license declaration, named by time and a random suffix
 * attachments/{image}/{server}             an ISO attachment
 * server-attachments/{server}/{image}      index: the attachments of a server
 * baremetal-image/{image}                  claim: the baremetal server an ISO image is attached to
 * baremetal-server/{server}                claim: the ISO image a baremetal server has attached
 * </pre>
 *
 * <p>A record is written before its index entries and deleted after them, so an index entry can point at a record
 * that is gone (after a crash between the two writes) but a record is never missing from an index for long; readers
 * skip index entries whose record is missing. Thread-safe when the metadata store is.
 */
public final class MetadataImageRepository implements ImageRepository {
    private static final Logger log = LoggerFactory.getLogger(MetadataImageRepository.class);

    /** Compare-and-set attempts before an update gives up with a {@link ConflictException}. */
    static final int MAX_ATTEMPTS = 200;

    /** Sortable UTC time at the start of a declaration's key, so that listing returns declarations oldest first. */
    private static final java.time.format.DateTimeFormatter DECLARATION_TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSSSSSSSS'Z'")
                    .withZone(java.time.ZoneOffset.UTC);

    private static final byte[] INDEX_ENTRY = "{}".getBytes(StandardCharsets.UTF_8);

    private final MetadataStore store;
    private final ObjectMapper mapper = ModelJson.newMapper();

    public MetadataImageRepository(MetadataStore store) {
        this.store = requireNonNull(store, "store");
    }

    @Override
    public void createContract(Contract contract) {
        store.create(contractKey(contract.id()), write(contract));
    }

    @Override
    public Optional<Contract> findContract(ContractId id) {
        return read(contractKey(id), Contract.class);
    }

    @Override
    public Contract updateContract(ContractId id, UnaryOperator<Contract> change) {
        return update(contractKey(id), Contract.class, "contract", id.value(), change);
    }

    @Override
    public void createTenant(Tenant tenant) {
        store.create(tenantKey(tenant.id()), write(tenant));
        createIndexEntry(MetadataKey.of("contract-tenants", tenant.contract().value(), tenant.id().value()));
    }

    @Override
    public Optional<Tenant> findTenant(TenantId id) {
        return read(tenantKey(id), Tenant.class);
    }

    @Override
    public Tenant updateTenant(TenantId id, UnaryOperator<Tenant> change) {
        return update(tenantKey(id), Tenant.class, "tenant", id.value(), change);
    }

    @Override
    public List<Tenant> listTenants(ContractId contract) {
        return listIndexed(MetadataKey.of("contract-tenants", contract.value()),
                name -> findTenant(TenantId.of(name)));
    }

    @Override
    public void createImage(Image image) {
        store.create(imageKey(image.id()), write(image));
        createIndexEntry(ownerIndexKey(image.owner(), image.id()));
    }

    @Override
    public Optional<Image> findImage(ImageId id) {
        return read(imageKey(id), Image.class);
    }

    @Override
    public Image updateImage(ImageId id, UnaryOperator<Image> change) {
        Image updated = update(imageKey(id), Image.class, "image", id.value(), change);
        if (updated.status() == ImageStatus.DELETED) {
            deleteIndexEntry(ownerIndexKey(updated.owner(), id));
        }
        return updated;
    }

    @Override
    public List<Image> listAllImages() {
        return listIndexed(MetadataKey.of("images"), name -> findImage(ImageId.of(name)));
    }

    @Override
    public List<CopyJob> listAllJobs() {
        return listIndexed(MetadataKey.of("jobs"), name -> findJob(JobId.of(name)));
    }

    @Override
    public List<Image> listImagesOwnedBy(TenantId owner) {
        List<Image> images = listIndexed(MetadataKey.of("owner-images", owner.value()),
                name -> findImage(ImageId.of(name)));
        return images.stream().filter(image -> image.status() != ImageStatus.DELETED).toList();
    }

    @Override
    public void createMembership(Membership membership) {
        store.create(memberKey(membership.image(), membership.member()), write(membership));
        createIndexEntry(memberIndexKey(membership.member(), membership.image()));
    }

    @Override
    public Optional<Membership> findMembership(ImageId image, TenantId member) {
        return read(memberKey(image, member), Membership.class);
    }

    @Override
    public Membership updateMembership(ImageId image, TenantId member, UnaryOperator<Membership> change) {
        return update(memberKey(image, member), Membership.class, "membership", image + "/" + member, change);
    }

    @Override
    public boolean deleteMembership(ImageId image, TenantId member) {
        boolean deleted = deleteDocument(memberKey(image, member));
        deleteIndexEntry(memberIndexKey(member, image));
        return deleted;
    }

    @Override
    public List<Membership> listMembers(ImageId image) {
        return listIndexed(MetadataKey.of("members", image.value()), name -> findMembership(image, TenantId.of(name)));
    }

    @Override
    public List<Membership> listMembershipsOf(TenantId member) {
        return listIndexed(MetadataKey.of("member-images", member.value()),
                name -> findMembership(ImageId.of(name), member));
    }

    @Override
    public void createJob(CopyJob job) {
        store.create(jobKey(job.id()), write(job));
        createIndexEntry(MetadataKey.of("tenant-jobs", job.sourceTenant().value(), job.id().value()));
        if (!job.destinationTenant().equals(job.sourceTenant())) {
            createIndexEntry(MetadataKey.of("tenant-jobs", job.destinationTenant().value(), job.id().value()));
        }
    }

    @Override
    public Optional<CopyJob> findJob(JobId id) {
        return read(jobKey(id), CopyJob.class);
    }

    @Override
    public CopyJob updateJob(JobId id, UnaryOperator<CopyJob> change) {
        return update(jobKey(id), CopyJob.class, "copy job", id.value(), change);
    }

    @Override
    public List<CopyJob> listJobsOf(TenantId tenant) {
        return listIndexed(MetadataKey.of("tenant-jobs", tenant.value()), name -> findJob(JobId.of(name)));
    }

    @Override
    public void addLicenseDeclaration(LicenseDeclaration declaration) {
        String name = DECLARATION_TIME.format(declaration.declaredAt()) + "-" + java.util.UUID.randomUUID();
        store.create(MetadataKey.of("licenses", declaration.tenant().value(), name), write(declaration));
    }

    @Override
    public List<LicenseDeclaration> listLicenseDeclarations(TenantId tenant) {
        MetadataKey prefix = MetadataKey.of("licenses", tenant.value());
        return listIndexed(prefix, name -> read(prefix.child(name), LicenseDeclaration.class));
    }

    @Override
    public void createAttachment(IsoAttachment attachment) {
        ImageId image = attachment.image();
        ServerRef server = attachment.server();
        boolean baremetal = server.type() == ResourceType.BAREMETAL_SERVER;
        List<MetadataKey> claimed = new ArrayList<>();
        try {
            if (baremetal) {
                claim(MetadataKey.of("baremetal-image", image.value()), server.key(), claimed);
                claim(MetadataKey.of("baremetal-server", server.key()), image.value(), claimed);
            }
            store.create(attachmentKey(image, server), write(attachment));
        } catch (RuntimeException e) {
            for (MetadataKey key : claimed) {
                try {
                    deleteDocument(key);
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
        createIndexEntry(MetadataKey.of("server-attachments", server.key(), image.value()));
    }

    private void claim(MetadataKey key, String holder, List<MetadataKey> claimed) {
        try {
            store.create(key, holder.getBytes(StandardCharsets.UTF_8));
        } catch (ConflictException e) {
            String current = store.get(key).map(v -> new String(v.value(), StandardCharsets.UTF_8))
                    .orElse("another attachment");
            throw new ConflictException(key.toString(), key + " is already held by " + current + "; detach it first");
        }
        claimed.add(key);
    }

    @Override
    public boolean deleteAttachment(ImageId image, ServerRef server) {
        boolean deleted = deleteDocument(attachmentKey(image, server));
        deleteIndexEntry(MetadataKey.of("server-attachments", server.key(), image.value()));
        if (server.type() == ResourceType.BAREMETAL_SERVER) {
            deleteDocument(MetadataKey.of("baremetal-server", server.key()));
            deleteDocument(MetadataKey.of("baremetal-image", image.value()));
        }
        return deleted;
    }

    @Override
    public List<IsoAttachment> listAttachmentsOfImage(ImageId image) {
        MetadataKey prefix = MetadataKey.of("attachments", image.value());
        return listIndexed(prefix, name -> read(prefix.child(name), IsoAttachment.class));
    }

    @Override
    public List<IsoAttachment> listAttachmentsOfServer(ServerRef server) {
        return listIndexed(MetadataKey.of("server-attachments", server.key()),
                name -> read(attachmentKey(ImageId.of(name), server), IsoAttachment.class));
    }

    @Override
    public TenantUsage usage(TenantId tenant) {
        return read(usageKey(tenant), TenantUsage.class).orElse(TenantUsage.empty(tenant));
    }

    @Override
    public TenantUsage updateUsage(TenantId tenant, UnaryOperator<TenantUsage> change) {
        MetadataKey key = usageKey(tenant);
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Optional<VersionedValue> current = store.get(key);
            TenantUsage before = current.map(v -> parse(key, v, TenantUsage.class)).orElse(TenantUsage.empty(tenant));
            TenantUsage after = requireNonNull(change.apply(before), "the usage change returned null");
            try {
                if (current.isPresent()) {
                    store.replace(key, write(after), current.get().version());
                } else {
                    store.create(key, write(after));
                }
                return after;
            } catch (ConflictException e) {
                log.debug("Usage of tenant {} changed concurrently, retrying (attempt {})", tenant, attempt);
            }
        }
        throw tooManyConflicts(key);
    }

    private <T> T update(MetadataKey key, Class<T> type, String kind, String id, UnaryOperator<T> change) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            VersionedValue current = store.get(key).orElseThrow(() -> new NotFoundException(kind, id));
            T after = requireNonNull(change.apply(parse(key, current, type)), "the change function returned null");
            try {
                store.replace(key, write(after), current.version());
                return after;
            } catch (ConflictException e) {
                log.debug("Document {} changed concurrently, retrying (attempt {})", key, attempt);
            }
        }
        throw tooManyConflicts(key);
    }

    private static ConflictException tooManyConflicts(MetadataKey key) {
        return new ConflictException(key.toString(), "update of " + key + " failed: it was changed concurrently "
                + MAX_ATTEMPTS + " times in a row; retry later");
    }

    private <T> List<T> listIndexed(MetadataKey prefix, Function<String, Optional<T>> lookup) {
        List<T> found = new ArrayList<>();
        for (MetadataKey entry : store.list(prefix)) {
            if (entry.segments().size() != prefix.segments().size() + 1) {
                continue;
            }
            lookup.apply(entry.name()).ifPresent(found::add);
        }
        return found;
    }

    private void createIndexEntry(MetadataKey key) {
        try {
            store.create(key, INDEX_ENTRY);
        } catch (ConflictException e) {
            log.debug("Index entry {} exists already", key);
        }
    }

    private void deleteIndexEntry(MetadataKey key) {
        deleteDocument(key);
    }

    private boolean deleteDocument(MetadataKey key) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Optional<VersionedValue> current = store.get(key);
            if (current.isEmpty()) {
                return false;
            }
            try {
                return store.delete(key, current.get().version());
            } catch (ConflictException e) {
                log.debug("Document {} changed while being deleted, retrying (attempt {})", key, attempt);
            }
        }
        throw tooManyConflicts(key);
    }

    private <T> Optional<T> read(MetadataKey key, Class<T> type) {
        return store.get(key).map(value -> parse(key, value, type));
    }

    private <T> T parse(MetadataKey key, VersionedValue value, Class<T> type) {
        try {
            return mapper.readValue(value.value(), type);
        } catch (IOException e) {
            throw new StorageIoException(key.toString(),
                    "metadata document " + key + " is not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private byte[] write(Object record) {
        try {
            return mapper.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not serialize " + record.getClass().getSimpleName(), e);
        }
    }

    private static MetadataKey contractKey(ContractId id) {
        return MetadataKey.of("contracts", id.value());
    }

    private static MetadataKey tenantKey(TenantId id) {
        return MetadataKey.of("tenants", id.value());
    }

    private static MetadataKey imageKey(ImageId id) {
        return MetadataKey.of("images", id.value());
    }

    private static MetadataKey ownerIndexKey(TenantId owner, ImageId image) {
        return MetadataKey.of("owner-images", owner.value(), image.value());
    }

    private static MetadataKey memberKey(ImageId image, TenantId member) {
        return MetadataKey.of("members", image.value(), member.value());
    }

    private static MetadataKey memberIndexKey(TenantId member, ImageId image) {
        return MetadataKey.of("member-images", member.value(), image.value());
    }

    private static MetadataKey jobKey(JobId id) {
        return MetadataKey.of("jobs", id.value());
    }

    private static MetadataKey attachmentKey(ImageId image, ServerRef server) {
        return MetadataKey.of("attachments", image.value(), server.key());
    }

    private static MetadataKey usageKey(TenantId tenant) {
        return MetadataKey.of("usage", tenant.value());
    }
}
