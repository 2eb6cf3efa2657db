package dev.imagestorage.examples;

import dev.imagestorage.bundle.ImageBundles;
import dev.imagestorage.fs.FileSystemStorage;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.ContractId;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.service.ImageService;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Brings an image in compressed and moves it to another contract as a bundle, on the filesystem store: tenant
 * {@code acme-jp1} uploads the bundled qcow2 template gzip-compressed, exports it as a bundle file, and tenant
 * {@code globex-jp1} imports the bundle as its own private image.
 *
 * <p>Run it with {@code mvn -B -q -DskipTests -pl examples -am package exec:java@intake}. It works in a new
 * temporary folder, or in the folder that {@code -Dexec.args=DIR} names, which must be new or empty.
 */
public final class IntakeExample {
    private IntakeExample() {}

    public static void main(String[] args) throws IOException {
        Path root = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("image-storage-intake-");
        run(root, System.out);
    }

    /**
     * Runs the example in {@code root}, printing each step to {@code out}.
     *
     * @return the image that {@code globex-jp1} imported from the bundle
     */
    static Image run(Path root, PrintStream out) throws IOException {
        Path bundleFile = root.resolve("demo-template.bundle.tar");
        try (FileSystemStorage storage = FileSystemStorage.open(root.resolve("store"))) {
            ImageService service = ImageService.builder().storage(storage).build();
            ImageBundles bundles = new ImageBundles(service);
            service.addContract(ContractId.of("acme"));
            service.addTenant(TenantId.of("acme-jp1"), ContractId.of("acme"), RegionId.of("JP1"));
            service.addContract(ContractId.of("globex"));
            service.addTenant(TenantId.of("globex-jp1"), ContractId.of("globex"), RegionId.of("JP1"));
            Caller acme = Caller.of(TenantId.of("acme-jp1"));
            Caller globex = Caller.of(TenantId.of("globex-jp1"));

            // A client may send the disk gzip-, xz-, bzip2- or zstd-compressed: the service stores it decompressed.
            byte[] template = readResource("/images/demo-template.qcow2");
            byte[] compressed = gzip(template);
            Image image = service.register(acme, RegisterRequest.template("demo-template", DiskFormat.QCOW2)
                    .tag("demo").minDiskGb(1).build());
            image = service.upload(acme, image.id(), new ByteArrayInputStream(compressed));
            out.printf("1. acme-jp1 uploaded %d bytes of gzip-compressed qcow2 as image %s: stored %d bytes,"
                    + " virtual size %d bytes, %s%n", compressed.length, image.id(), image.sizeBytes(),
                    image.virtualSizeBytes().orElse(0), image.status());

            try (OutputStream file = Files.newOutputStream(bundleFile)) {
                bundles.export(acme, image.id(), file);
            }
            out.printf("2. acme-jp1 exported image %s as the bundle %s (%d bytes)%n", image.id(),
                    bundleFile.getFileName(), Files.size(bundleFile));

            Image imported;
            try (InputStream file = Files.newInputStream(bundleFile)) {
                imported = bundles.importBundle(globex, file);
            }
            out.printf("3. globex-jp1 imported the bundle as image %s '%s' (%s %s, tags %s, origin %s), %s%n",
                    imported.id(), imported.name(), imported.plan(), imported.format().label(), imported.tags(),
                    imported.origin(), imported.status());
            boolean same = imported.sha256().equals(image.sha256());
            out.println("4. the SHA-256 of the imported image " + (same ? "matches" : "differs from")
                    + " the original: " + imported.sha256().orElse("(none)"));
            return imported;
        }
    }

    private static byte[] readResource(String name) throws IOException {
        try (InputStream in = IntakeExample.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("resource " + name + " is missing from the class path");
            }
            return in.readAllBytes();
        }
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(content);
        }
        return out.toByteArray();
    }
}
