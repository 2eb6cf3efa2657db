package dev.imagestorage.examples;

import dev.imagestorage.fs.FileSystemStorage;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.ContractId;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.policy.Decision;
import dev.imagestorage.service.ImageService;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The code example of the README, kept here so that it compiles and a test runs it. */
public final class QuickStart {
    private QuickStart() {}

    public static void main(String[] args) throws IOException {
        Path root = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("image-storage-");
        System.out.println(run(root));
    }

    /** Registers and uploads the bundled template in a new store under {@code root}, then checks a share across regions. */
    static Decision run(Path root) throws IOException {
        try (FileSystemStorage storage = FileSystemStorage.open(root)) {
            ImageService service = ImageService.builder().storage(storage).build();

            ContractId acme = ContractId.of("acme");
            service.addContract(acme);
            service.addTenant(TenantId.of("acme-jp1"), acme, RegionId.of("JP1"));
            service.addContract(ContractId.of("globex"));
            service.addTenant(TenantId.of("globex-jp2"), ContractId.of("globex"), RegionId.of("JP2"));

            Caller caller = Caller.of(TenantId.of("acme-jp1"));
            Image image = service.register(caller,
                    RegisterRequest.template("ubuntu-24.04", DiskFormat.QCOW2).minDiskGb(10).build());
            try (InputStream bytes = QuickStart.class.getResourceAsStream("/images/demo-template.qcow2")) {
                image = service.upload(caller, image.id(), bytes);
            }

            return service.checkAddMember(caller, image.id(), TenantId.of("globex-jp2"));
        }
    }
}
