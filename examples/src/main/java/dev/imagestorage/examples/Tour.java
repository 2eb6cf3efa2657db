package dev.imagestorage.examples;

import com.google.common.hash.Hashing;
import com.google.common.hash.HashingInputStream;
import com.google.common.io.ByteStreams;
import dev.imagestorage.ImageStorageException;
import dev.imagestorage.OperationDeniedException;
import dev.imagestorage.UploadRejectedException;
import dev.imagestorage.catalog.Catalog;
import dev.imagestorage.catalog.CatalogJson;
import dev.imagestorage.fs.FileSystemStorage;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.ContractId;
import dev.imagestorage.model.CopyJob;
import dev.imagestorage.model.CopyRequest;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.policy.Decision;
import dev.imagestorage.policy.DistributionPlan;
import dev.imagestorage.policy.DistributionStep;
import dev.imagestorage.service.ImageService;
import dev.imagestorage.service.PlannedOperation;
import dev.imagestorage.spi.StorageBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A walk through the SDK on the filesystem store, or on an S3 server. Two contracts get tenants in JP1 and JP2, a template and an ISO
 * image are uploaded from real image files, and then come a share, a copy, the steps the rules forbid and a verified
 * download.
 *
 * <p>Run it with {@code mvn -B -q -DskipTests -pl examples -am package exec:java}; {@link #USAGE} lists the options.
 */
public final class Tour {
    static final String USAGE = String.join(System.lineSeparator(),
            "usage: tour [--store DIR | S3 OPTIONS] [IMAGE_FILE ...]",
            "  --store DIR   folder for the filesystem store; it must be new or empty, and it is kept.",
            "                Default: a new folder under the system temporary folder, deleted at the end.",
            "  --s3-endpoint URL --s3-region REGION --s3-access-key KEY --s3-secret-key SECRET",
            "                use an S3 server at URL, such as http://127.0.0.1:9000, instead of the",
            "                filesystem store; the tour creates its buckets when they are missing.",
            "  --s3-bucket-prefix PREFIX",
            "                bucket names: PREFIX-metadata and PREFIX-<region>. Default: image-storage-tour.",
            "  IMAGE_FILE    your own image to use instead of a bundled one: a .qcow2 or .raw/.img file",
            "                replaces the template, a .iso file replaces the ISO image.",
            "  --help        print this text.",
            "  --            ends the options; every later argument is an image file.");

    private static final String BUNDLED_TEMPLATE = "/images/demo-template.qcow2";
    private static final String BUNDLED_ISO = "/images/demo-installer.iso";
    private static final String TOUR_CATALOG = "/tour-catalog.json";

    private final PrintStream out;

    private Tour(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the tour and returns the process exit code: 0 on success, 2 for a bad argument or input file, 1 when the
     * tour itself failed. Errors are printed to {@code err} as one line, without a stack trace.
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        TourOptions options;
        try {
            options = TourOptions.parse(args);
        } catch (InputException e) {
            err.println("tour: error: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("tour: error: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (options.help()) {
            out.println(USAGE);
            return 0;
        }

        Optional<Path> temporaryStore = Optional.empty();
        try {
            StorageBackend storage;
            String description;
            if (options.s3().isPresent()) {
                S3TourStorage s3 = S3TourStorage.open(options.s3().get());
                storage = s3;
                description = s3.description();
            } else {
                Path store;
                if (options.store().isPresent()) {
                    store = prepareStore(options.store().get());
                } else {
                    store = newStoreFolder();
                    temporaryStore = Optional.of(store);
                }
                storage = FileSystemStorage.open(store);
                description = "store folder: " + store;
            }
            new Tour(out).walk(storage, description, options.template(), options.iso());
            return 0;
        } catch (InputException e) {
            err.println("tour: error: " + e.getMessage() + keptNote(options));
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("tour: error: " + e.getMessage());
            return 2;
        } catch (ImageStorageException | IOException | UncheckedIOException e) {
            err.println("tour: failed: " + e.getMessage() + keptNote(options));
            return 1;
        } finally {
            temporaryStore.ifPresent(Tour::deleteQuietly);
        }
    }

    /** Tells where the data of the steps done so far stays, when the user chose the store folder. */
    private static String keptNote(TourOptions options) {
        return options.store()
                .filter(folder -> Files.isDirectory(folder.resolve("metadata")))
                .map(folder -> " (the store folder " + folder + " keeps the steps done so far)")
                .orElse("");
    }

    /** Deletes the tour's temporary store folder; a failure leaves files in the system temporary folder only. */
    private static void deleteQuietly(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // Left for the operating system's cleanup of its temporary folder.
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // Same as above.
        }
    }

    /** Walks through the steps on {@code storage}, and closes it. */
    private void walk(StorageBackend storage, String storeDescription, Optional<ImageSource> ownTemplate,
            Optional<ImageSource> ownIso) throws IOException {
        ImageSource template = ownTemplate.orElse(ImageSource.bundled(BUNDLED_TEMPLATE, DiskFormat.QCOW2));
        ImageSource iso = ownIso.orElse(ImageSource.bundled(BUNDLED_ISO, DiskFormat.ISO));
        Catalog catalog = loadCatalog();

        try (storage) {
            ImageService service = ImageService.builder().storage(storage).catalog(catalog).build();
            out.println("Image Storage SDK tour, " + storeDescription);
            out.println("Catalog: regions " + catalog.regions() + ", official templates "
                    + catalog.officialTemplates().keySet());

            section("1. Contracts and tenants");
            Tenant acmeJp1 = addTenant(service, "acme", "acme-jp1", "JP1");
            Tenant acmeJp2 = addTenant(service, "acme", "acme-jp2", "JP2");
            Tenant globexJp1 = addTenant(service, "globex", "globex-jp1", "JP1");
            Tenant globexJp2 = addTenant(service, "globex", "globex-jp2", "JP2");
            Caller acme = Caller.of(acmeJp1.id(), acmeJp2.id());
            Caller globex = Caller.of(globexJp1.id());

            section("2. Register and upload a template and an ISO image");
            Image templateImage = registerAndUpload(service, acme,
                    RegisterRequest.template("demo-template", template.format()).minDiskGb(1).minMemoryMb(512)
                            .tag("tour").protect().build(),
                    template);
            Image isoImage = registerAndUpload(service, acme,
                    RegisterRequest.iso("demo-installer").tag("tour").build(), iso);

            section("3. Share the template with " + globexJp1.id() + " (other contract, same region)");
            service.addMember(acme, templateImage.id(), globexJp1.id());
            out.println("  " + acmeJp1.id() + " added " + globexJp1.id() + " as a member: PENDING");
            out.println("  " + globexJp1.id() + " sees before accepting: " + names(service.listImages(globex)));
            service.accept(globex, templateImage.id(), globexJp1.id());
            out.println("  " + globexJp1.id() + " accepted");
            out.println("  " + globexJp1.id() + " sees after accepting:  " + names(service.listImages(globex)));

            section("4. Copy the template to " + acmeJp2.id() + " (same contract, region JP2)");
            CopyRequest copyRequest = CopyRequest.of(templateImage.id(), acmeJp2.id()).acknowledgingDataTransfer();
            out.println("  dry run first:");
            indent(service.dryRun(acme, new PlannedOperation.Copy(copyRequest)).toString());
            CopyJob job = service.copy(acme, copyRequest);
            Image copy = service.image(Caller.of(acmeJp2.id()), job.destination());
            out.println("  job " + job.id() + ": " + job.status() + ", " + job.percentDone() + "% ("
                    + job.bytesDone() + " of " + job.bytesTotal() + " bytes)");
            out.println("  " + acmeJp2.id() + " now owns image " + copy.id() + " in " + copy.region() + ": "
                    + copy.status() + ", SHA-256 " + copy.sha256().orElse("?"));

            section("5. Steps the rules forbid, each decision with its reasons");
            Image derived = registerAndUpload(service, acme,
                    RegisterRequest.template("captured-from-official", template.format())
                            .derivedFromOfficial("ubuntu-22.04-official").build(),
                    template);
            explain("share the template with " + globexJp2.id() + " in another region",
                    service.checkAddMember(acme, templateImage.id(), globexJp2.id()));
            explain("copy the template to " + globexJp1.id() + " of another contract",
                    service.checkCopy(Caller.of(acmeJp1.id(), globexJp1.id()), templateImage.id(), globexJp1.id()));
            explain("delete the protected template", service.checkDelete(acme, templateImage.id()));
            explain("download an image derived from an official image",
                    service.checkDownload(acme, derived.id()));
            try {
                service.delete(acme, templateImage.id());
                throw new IllegalStateException("the protected template was deleted");
            } catch (OperationDeniedException e) {
                out.println("  acting anyway throws " + e.getClass().getSimpleName() + " with the same decision");
            }

            section("6. Plan a route to " + globexJp2.id() + " (other contract, other region)");
            DistributionPlan plan = service.planDistribution(acme, templateImage.id(), globexJp2.id());
            indent(plan.toString());
            followPlan(service, acme, plan, templateImage);
            out.println("  " + globexJp2.id() + " sees: " + names(service.listImages(Caller.of(globexJp2.id()))));

            section("7. Download the template and compare checksums");
            downloadAndCompare(service, acme, templateImage, template);
            out.println();
            out.println("Tour finished: " + service.listImages(acme).size() + " images in " + acmeJp1.id() + ", "
                    + isoImage.name() + " and " + templateImage.name() + " among them.");
        }
    }

    /** Executes the steps of a distribution plan, as the tenants each step names. */
    private void followPlan(ImageService service, Caller caller, DistributionPlan plan, Image source) {
        ImageId held = source.id();
        for (DistributionStep step : plan.steps()) {
            Caller actor = new Caller(step.actingTenant(), caller.accessibleTenants());
            if (step.kind() == DistributionStep.Kind.COPY) {
                CopyRequest request = CopyRequest.of(held, step.recipient());
                CopyJob job = service.copy(actor, step.dataTransferAcknowledged()
                        ? request.acknowledgingDataTransfer()
                        : request);
                held = job.destination();
                out.println("  done: " + step + ", job " + job.status());
            } else if (step.kind() == DistributionStep.Kind.SHARE) {
                service.addMember(actor, held, step.recipient());
                service.accept(Caller.of(step.recipient()), held, step.recipient());
                out.println("  done: " + step);
            } else {
                service.accept(Caller.of(step.recipient()), held, step.recipient());
                out.println("  done: " + step);
            }
        }
    }

    private void downloadAndCompare(ImageService service, Caller caller, Image image, ImageSource source)
            throws IOException {
        Path downloaded = Files.createTempFile("tour-download-", "." + image.format().label());
        try {
            try (OutputStream file = Files.newOutputStream(downloaded)) {
                service.download(caller, image.id(), file);
            }
            String original = source.sha256();
            String received = com.google.common.io.Files.asByteSource(downloaded.toFile())
                    .hash(Hashing.sha256()).toString();
            out.println("  original   " + original + "  " + source.label());
            out.println("  downloaded " + received + "  " + Files.size(downloaded) + " bytes");
            if (!original.equals(received)) {
                throw new IllegalStateException("the downloaded bytes differ from the original");
            }
            out.println("  the SHA-256 checksums match");
        } finally {
            Files.deleteIfExists(downloaded);
        }
    }

    private static Catalog loadCatalog() throws IOException {
        try (InputStream json = Tour.class.getResourceAsStream(TOUR_CATALOG)) {
            if (json == null) {
                throw new IllegalStateException("the tour's catalog " + TOUR_CATALOG + " is missing from the classpath");
            }
            return CatalogJson.read(json);
        }
    }

    private Tenant addTenant(ImageService service, String contract, String tenant, String region) {
        ContractId contractId = ContractId.of(contract);
        try {
            service.addContract(contractId);
        } catch (dev.imagestorage.ConflictException e) {
            // The contract was added with an earlier tenant of the tour.
        }
        Tenant added = service.addTenant(TenantId.of(tenant), contractId, RegionId.of(region));
        out.println("  tenant " + added.id() + " of contract " + added.contract() + " in " + added.region());
        return added;
    }

    private Image registerAndUpload(ImageService service, Caller caller, RegisterRequest request, ImageSource source)
            throws IOException {
        Image queued = service.register(caller, request);
        Image active;
        try (InputStream content = source.open()) {
            active = service.upload(caller, queued.id(), content);
        } catch (UploadRejectedException e) {
            throw new InputException(source.label() + ": " + e.reason().message() + " [" + e.reason().code() + "]");
        }
        out.println("  " + active.plan().name().toLowerCase(Locale.ROOT) + " '" + active.name() + "' ("
                + active.format().label() + ", " + active.sizeBytes() + " bytes) from " + source.label() + ": "
                + active.status() + ", id " + active.id());
        return active;
    }

    private void explain(String attempt, Decision decision) {
        out.println("  try to " + attempt + ":");
        indent(decision.toString());
    }

    private void indent(String text) {
        for (String line : text.split("\\R")) {
            out.println("    " + line);
        }
    }

    private void section(String title) {
        out.println();
        out.println(title);
    }

    private static List<String> names(List<Image> images) {
        return images.stream().map(Image::name).toList();
    }

    private static Path newStoreFolder() throws IOException {
        return Files.createTempDirectory("image-storage-tour-");
    }

    private static Path prepareStore(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            try {
                Files.createDirectories(folder);
            } catch (IOException e) {
                String reason = e instanceof java.nio.file.FileSystemException failure && failure.getReason() != null
                        ? failure.getReason()
                        : e.getMessage();
                throw new InputException(folder + ": can not create the store folder: " + reason);
            }
            return folder;
        }
        if (Files.exists(folder)) {
            if (!Files.isDirectory(folder)) {
                throw new InputException(folder + ": --store must name a folder, and this is a file");
            }
            try (Stream<Path> entries = Files.list(folder)) {
                if (entries.findAny().isPresent()) {
                    throw new InputException(folder + ": --store must name a new or empty folder, and this one"
                            + " has files in it");
                }
            }
        }
        return folder;
    }

    /** An image file given by the user or bundled with the examples, and the format it declares. */
    record ImageSource(String label, Optional<Path> file, String resource, DiskFormat format) {
        static ImageSource bundled(String resource, DiskFormat format) {
            return new ImageSource("bundled " + resource.substring(resource.lastIndexOf('/') + 1), Optional.empty(),
                    resource, format);
        }

        static ImageSource file(Path file) {
            String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
            DiskFormat format;
            if (name.endsWith(".qcow2")) {
                format = DiskFormat.QCOW2;
            } else if (name.endsWith(".iso")) {
                format = DiskFormat.ISO;
            } else if (name.endsWith(".raw") || name.endsWith(".img")) {
                format = DiskFormat.RAW;
            } else {
                throw new InputException(file + ": not a disk image file name; use a .qcow2, .raw, .img or .iso"
                        + " file (the extension declares the format)");
            }
            if (!Files.exists(file)) {
                throw new InputException(file + ": file not found");
            }
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new InputException(file + ": not a readable file");
            }
            return new ImageSource(file.toString(), Optional.of(file), "", format);
        }

        InputStream open() throws IOException {
            if (file.isPresent()) {
                try {
                    return Files.newInputStream(file.get());
                } catch (NoSuchFileException e) {
                    throw new InputException(file.get() + ": file not found");
                }
            }
            InputStream stream = Tour.class.getResourceAsStream(resource);
            if (stream == null) {
                throw new IllegalStateException("bundled image " + resource + " is missing from the classpath");
            }
            return stream;
        }

        String sha256() throws IOException {
            try (HashingInputStream in = new HashingInputStream(Hashing.sha256(), open())) {
                ByteStreams.exhaust(in);
                return in.hash().toString();
            }
        }
    }

    /** A bad argument or input file; the tour prints its message as one line. */
    static final class InputException extends RuntimeException {
        InputException(String message) {
            super(message);
        }
    }
}
