package dev.imagestorage.service;

import dev.imagestorage.catalog.Catalog;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.Plan;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.model.TenantUsage;
import dev.imagestorage.policy.Decision;
import dev.imagestorage.repository.ImageRepository;
import java.util.List;
import java.util.Optional;

/** Computes a {@link DryRun}: the decision of an operation and what it would change, without changing anything. */
final class DryRunner {
    private final ImageService service;
    private final ImageRepository repository;
    private final Catalog catalog;

    DryRunner(ImageService service, ImageRepository repository, Catalog catalog) {
        this.service = service;
        this.repository = repository;
        this.catalog = catalog;
    }

    DryRun run(Caller caller, PlannedOperation operation) {
        if (operation instanceof PlannedOperation.Register register) {
            return register(caller, register);
        }
        if (operation instanceof PlannedOperation.Upload upload) {
            return upload(caller, upload);
        }
        if (operation instanceof PlannedOperation.Download download) {
            return download(caller, download);
        }
        if (operation instanceof PlannedOperation.Delete delete) {
            return delete(caller, delete);
        }
        if (operation instanceof PlannedOperation.AddMember add) {
            return simple(service.checkAddMember(caller, add.image(), add.member()),
                    "add tenant " + add.member() + " to the members of image " + add.image() + " as PENDING");
        }
        if (operation instanceof PlannedOperation.RemoveMember remove) {
            return simple(service.checkRemoveMember(caller, remove.image(), remove.member()),
                    "remove tenant " + remove.member() + " from the members of image " + remove.image()
                            + "; its access ends at once");
        }
        if (operation instanceof PlannedOperation.Accept accept) {
            return simple(service.checkAccept(caller, accept.image(), accept.member()),
                    "mark the membership of tenant " + accept.member() + " in image " + accept.image()
                            + " ACCEPTED; the image becomes visible to it");
        }
        if (operation instanceof PlannedOperation.Reject reject) {
            return simple(service.checkReject(caller, reject.image(), reject.member()),
                    "mark the membership of tenant " + reject.member() + " in image " + reject.image()
                            + " REJECTED; the image is hidden from it");
        }
        if (operation instanceof PlannedOperation.Copy copy) {
            return copy(caller, copy);
        }
        if (operation instanceof PlannedOperation.Launch launch) {
            return launch(caller, launch);
        }
        throw new IllegalArgumentException("unknown planned operation " + operation);
    }

    private DryRun register(Caller caller, PlannedOperation.Register register) {
        Decision decision = service.checkRegister(caller, register.request());
        Plan plan = register.request().plan();
        TenantId owner = caller.actingTenant();
        if (decision.isDenied()) {
            return denied(decision);
        }
        return new DryRun(decision,
                List.of("register " + plan + " image '" + register.request().name() + "' in tenant " + owner
                        + " as QUEUED"),
                Optional.of(quotaChange(owner, plan, 1)), Optional.of(owner), 0, Optional.empty(), Optional.empty());
    }

    private DryRun upload(Caller caller, PlannedOperation.Upload upload) {
        Decision decision = service.checkUpload(caller, upload.image(), upload.options());
        if (decision.isDenied()) {
            return denied(decision);
        }
        Image image = service.findExisting(upload.image());
        long bytes = upload.options().declaredSizeBytes().orElse(0);
        return new DryRun(decision,
                List.of("store the uploaded bytes of image " + image.id() + " in region " + image.region()
                        + " and make it ACTIVE, or KILLED if the bytes are rejected"),
                Optional.empty(), Optional.of(image.owner()), bytes, Optional.empty(), Optional.of(image.region()));
    }

    private DryRun download(Caller caller, PlannedOperation.Download download) {
        Decision decision = service.checkDownload(caller, download.image());
        if (decision.isDenied()) {
            return denied(decision);
        }
        Image image = service.findExisting(download.image());
        return new DryRun(decision, List.of("send the " + image.sizeBytes() + " bytes of image " + image.id()
                + " out of the service"), Optional.empty(), Optional.empty(), image.sizeBytes(),
                Optional.of(image.region()), Optional.empty());
    }

    private DryRun delete(Caller caller, PlannedOperation.Delete delete) {
        Decision decision = service.checkDelete(caller, delete.image());
        if (decision.isDenied()) {
            return denied(decision);
        }
        Image image = service.findExisting(delete.image());
        int members = repository.listMembers(image.id()).size();
        return new DryRun(decision,
                List.of("mark image " + image.id() + " DELETED, for good",
                        "end " + members + " memberships of the image",
                        "remove its " + image.sizeBytes() + " bytes from region " + image.region()),
                Optional.of(quotaChange(image.owner(), image.plan(), -1)), Optional.empty(), 0, Optional.empty(),
                Optional.empty());
    }

    private DryRun copy(Caller caller, PlannedOperation.Copy copy) {
        Decision decision = service.checkCopy(caller, copy.request());
        if (decision.isDenied()) {
            return denied(decision);
        }
        Image source = service.findExisting(copy.request().source());
        Tenant destination = service.tenant(copy.request().destination());
        RegionId from = source.region();
        return new DryRun(decision,
                List.of("create image in tenant " + destination.id() + " as QUEUED, and a copy job",
                        "copy " + source.sizeBytes() + " bytes from region " + from + " to region "
                                + destination.region() + ", verifying their SHA-256",
                        "make the copy ACTIVE; tenant " + destination.id() + " pays for its storage from then on"),
                Optional.of(quotaChange(destination.id(), source.plan(), 1)), Optional.of(destination.id()),
                source.sizeBytes(), Optional.of(from), Optional.of(destination.region()));
    }

    private DryRun launch(Caller caller, PlannedOperation.Launch launch) {
        Decision decision = service.checkLaunch(caller, launch.image(), launch.request());
        if (decision.isDenied()) {
            return denied(decision);
        }
        Image image = service.findExisting(launch.image());
        return new DryRun(decision,
                List.of("grant the creation of a " + launch.request().resource() + " from image " + image.id()
                        + ", its operating system billed as " + image.licenseType()),
                Optional.empty(), Optional.of(caller.actingTenant()), 0, Optional.empty(), Optional.empty());
    }

    private static DryRun simple(Decision decision, String change) {
        if (decision.isDenied()) {
            return denied(decision);
        }
        return new DryRun(decision, List.of(change), Optional.empty(), Optional.empty(), 0, Optional.empty(),
                Optional.empty());
    }

    private static DryRun denied(Decision decision) {
        return new DryRun(decision, List.of(), Optional.empty(), Optional.empty(), 0, Optional.empty(),
                Optional.empty());
    }

    private DryRun.QuotaChange quotaChange(TenantId tenant, Plan plan, int delta) {
        TenantUsage usage = repository.usage(tenant);
        int before = usage.count(plan);
        return new DryRun.QuotaChange(tenant, plan, before, Math.max(0, before + delta),
                catalog.limits().maxImagesPerPlanPerTenant());
    }
}
