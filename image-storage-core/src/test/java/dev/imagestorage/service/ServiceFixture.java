package dev.imagestorage.service;

import com.google.common.hash.Hashing;
import com.google.common.io.ByteStreams;
import dev.imagestorage.catalog.Catalog;
import dev.imagestorage.catalog.OfficialTemplate;
import dev.imagestorage.memory.InMemoryStorage;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.ContractId;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.repository.ImageRepository;
import dev.imagestorage.repository.MetadataImageRepository;
import dev.imagestorage.spi.BlobKey;
import dev.imagestorage.spi.StorageBackend;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

/**
 * A service on in-memory storage with contract "acme" (tenants in JP1, JP1 and JP2) and contract "globex" (JP1 and
 * JP2), and the real image files of the format fixtures.
 */
final class ServiceFixture {
    final InMemoryStorage storage;
    final ImageService service;
    final Tenant acmeJp1;
    final Tenant acme2Jp1;
    final Tenant acmeJp2;
    final Tenant globexJp1;
    final Tenant globexJp2;

    /** The official template whose derived images may be copied to JP1 and JP2. */
    static final String OFFICIAL_TEMPLATE = "official-ubuntu";

    /** The smallest real fixtures: a 64 KiB raw disk and a 368 KiB ISO 9660 image. */
    static final byte[] RAW = fixture("tiny.raw");
    static final byte[] ISO = fixture("tiny.iso");

    ServiceFixture() {
        this(catalog(), Runnable::run);
    }

    /** The default catalog with {@link #OFFICIAL_TEMPLATE}. */
    static Catalog catalog() {
        return Catalog.defaults().withOfficialTemplate(new OfficialTemplate(OFFICIAL_TEMPLATE, "Ubuntu (official)",
                java.util.Set.of(RegionId.of("JP1"), RegionId.of("JP2"))));
    }

    ServiceFixture(Catalog catalog, Executor copyExecutor) {
        this(catalog, copyExecutor, Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC));
    }

    /** A fixture whose service and blob stores read {@code clock}. */
    ServiceFixture(Catalog catalog, Executor copyExecutor, Clock clock) {
        this(catalog, copyExecutor, clock, UnaryOperator.identity());
    }

    /**
     * A fixture whose service runs on {@code wrap} applied to the in-memory storage, so a test can slow down or
     * break the backend while {@link #storage} still reads the data directly.
     */
    ServiceFixture(Catalog catalog, Executor copyExecutor, Clock clock, UnaryOperator<StorageBackend> wrap) {
        storage = InMemoryStorage.create(clock);
        service = ImageService.builder().storage(wrap.apply(storage)).catalog(catalog).clock(clock)
                .copyExecutor(copyExecutor).build();
        service.addContract(ContractId.of("acme"));
        service.addContract(ContractId.of("globex"));
        acmeJp1 = addTenant("acme-jp1", "acme", "JP1");
        acme2Jp1 = addTenant("acme2-jp1", "acme", "JP1");
        acmeJp2 = addTenant("acme-jp2", "acme", "JP2");
        globexJp1 = addTenant("globex-jp1", "globex", "JP1");
        globexJp2 = addTenant("globex-jp2", "globex", "JP2");
    }

    /** Reads the records of this fixture's store directly, for counters the service does not expose. */
    ImageRepository repository() {
        return new MetadataImageRepository(storage.metadata());
    }

    /** Registers a raw template named {@code name} and uploads the raw fixture into it. */
    Image activeTemplate(Caller caller, String name) {
        Image queued = service.register(caller, RegisterRequest.template(name, DiskFormat.RAW).build());
        return service.upload(caller, queued.id(), new ByteArrayInputStream(RAW));
    }

    /** Registers an ISO image named {@code name} and uploads the ISO fixture into it. */
    Image activeIso(Caller caller, String name) {
        Image queued = service.register(caller, RegisterRequest.iso(name).build());
        return service.upload(caller, queued.id(), new ByteArrayInputStream(ISO));
    }

    /** Whether the blob store of the image's region contains data for the image. */
    boolean hasBlob(Image image) {
        return storage.blobs(image.region()).stat(BlobKey.of(image.id())).isPresent();
    }

    /** Fails when a stream opened on any region's blob store was not closed. */
    void assertNoOpenStreams() {
        for (RegionId region : service.catalog().regions()) {
            storage.blobs(region).assertNoOpenStreams();
        }
    }

    private Tenant addTenant(String id, String contract, String region) {
        return service.addTenant(TenantId.of(id), ContractId.of(contract), RegionId.of(region));
    }

    static Caller as(Tenant tenant, Tenant... withAuthorityOn) {
        TenantId[] others = new TenantId[withAuthorityOn.length];
        for (int i = 0; i < others.length; i++) {
            others[i] = withAuthorityOn[i].id();
        }
        return Caller.of(tenant.id(), others);
    }

    static byte[] fixture(String name) {
        try (InputStream in = ServiceFixture.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalStateException("fixture " + name + " is missing from the test classpath");
            }
            return ByteStreams.toByteArray(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(byte[] bytes) {
        return Hashing.sha256().hashBytes(bytes).toString();
    }
}
