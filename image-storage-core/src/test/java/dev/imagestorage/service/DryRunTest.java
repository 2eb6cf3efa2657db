package dev.imagestorage.service;

import static dev.imagestorage.service.ServiceFixture.as;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagestorage.model.Caller;
import dev.imagestorage.model.CopyRequest;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.LaunchRequest;
import dev.imagestorage.model.Plan;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.ResourceType;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.policy.Decision;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Dry runs decide exactly as the {@code check...} methods do, tell what would change, and change nothing. */
class DryRunTest {
    private static final LaunchRequest VIRTUAL_SERVER = LaunchRequest.of(ResourceType.VIRTUAL_SERVER, 40, 4096);

    private final ManualExecutor executor = new ManualExecutor();
    private final ServiceFixture fx = new ServiceFixture(ServiceFixture.catalog(), executor);
    private final ImageService service = fx.service;
    private final Caller acme = as(fx.acmeJp1, fx.acmeJp2);
    private final Caller globex = as(fx.globexJp1);

    private Image template;
    private Image protectedTemplate;
    private Image queued;
    private Image offered;

    /** A one-line case: who runs which operation, for the failure message. */
    private record Case(String name, Caller caller, PlannedOperation operation) {}

    /**
     * Tenant acme-jp1 owns a template shared with globex-jp1 (accepted) and acme2-jp1 (pending), a protected
     * template and a QUEUED one, and has a pending offer of an image of globex-jp1. A copy job waits in the executor.
     */
    @BeforeEach
    void populate() {
        template = fx.activeTemplate(acme, "template");
        Image registered = service.register(acme, RegisterRequest.template("kept", DiskFormat.RAW).protect().build());
        protectedTemplate = service.upload(acme, registered.id(), new ByteArrayInputStream(ServiceFixture.RAW));
        queued = service.register(acme, RegisterRequest.template("queued", DiskFormat.RAW).build());
        service.addMember(acme, template.id(), fx.globexJp1.id());
        service.accept(globex, template.id(), fx.globexJp1.id());
        service.addMember(acme, template.id(), fx.acme2Jp1.id());
        offered = fx.activeTemplate(globex, "offered");
        service.addMember(globex, offered.id(), fx.acmeJp1.id());
        service.copy(acme, CopyRequest.of(template.id(), fx.acmeJp2.id()).acknowledgingDataTransfer());
    }

    @AfterEach
    void noStreamLeftOpen() {
        fx.assertNoOpenStreams();
    }

    /** Returns an allowed and a denied case of every kind of planned operation. */
    private List<Case> cases() {
        TenantId acmeJp1 = fx.acmeJp1.id();
        TenantId globexJp1 = fx.globexJp1.id();
        RegisterRequest iso = RegisterRequest.iso("new").build();
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("register", acme, new PlannedOperation.Register(iso)));
        cases.add(new Case("register bad name", acme,
                new PlannedOperation.Register(RegisterRequest.template("bad name", DiskFormat.RAW).build())));

        cases.add(new Case("upload", acme, new PlannedOperation.Upload(queued.id(), UploadOptions.portal(65_536))));
        cases.add(new Case("upload active", acme, new PlannedOperation.Upload(template.id(), UploadOptions.api())));
        cases.add(new Case("download", acme, new PlannedOperation.Download(template.id())));
        cases.add(new Case("download by pending member", acme, new PlannedOperation.Download(offered.id())));
        cases.add(new Case("delete", acme, new PlannedOperation.Delete(template.id())));
        cases.add(new Case("delete protected", acme, new PlannedOperation.Delete(protectedTemplate.id())));

        cases.add(new Case("add member", acme, new PlannedOperation.AddMember(protectedTemplate.id(),
                fx.acme2Jp1.id())));
        cases.add(new Case("add member across regions", acme, new PlannedOperation.AddMember(template.id(),
                fx.globexJp2.id())));
        cases.add(new Case("remove member", acme, new PlannedOperation.RemoveMember(template.id(), globexJp1)));
        cases.add(new Case("remove non-member", acme, new PlannedOperation.RemoveMember(template.id(),
                fx.globexJp2.id())));
        cases.add(new Case("accept", acme, new PlannedOperation.Accept(offered.id(), acmeJp1)));
        cases.add(new Case("accept for another tenant", globex, new PlannedOperation.Accept(offered.id(), acmeJp1)));
        cases.add(new Case("reject", globex, new PlannedOperation.Reject(template.id(), globexJp1)));
        cases.add(new Case("reject own image", acme, new PlannedOperation.Reject(template.id(), acmeJp1)));

        cases.add(new Case("copy", acme, new PlannedOperation.Copy(
                CopyRequest.of(template.id(), fx.acmeJp2.id()).acknowledgingDataTransfer())));
        cases.add(new Case("copy without acknowledgement", acme, new PlannedOperation.Copy(
                CopyRequest.of(template.id(), fx.acmeJp2.id()))));
        cases.add(new Case("launch", globex, new PlannedOperation.Launch(template.id(), VIRTUAL_SERVER)));
        cases.add(new Case("launch by pending member", acme, new PlannedOperation.Launch(offered.id(),
                VIRTUAL_SERVER)));
        return cases;
    }

    /** Calls the {@code check...} method that corresponds to {@code operation}. */
    private Decision check(Caller caller, PlannedOperation operation) {
        if (operation instanceof PlannedOperation.Register register) {
            return service.checkRegister(caller, register.request());
        }
        if (operation instanceof PlannedOperation.Upload upload) {
            return service.checkUpload(caller, upload.image(), upload.options());
        }
        if (operation instanceof PlannedOperation.Download download) {
            return service.checkDownload(caller, download.image());
        }
        if (operation instanceof PlannedOperation.Delete delete) {
            return service.checkDelete(caller, delete.image());
        }
        if (operation instanceof PlannedOperation.AddMember add) {
            return service.checkAddMember(caller, add.image(), add.member());
        }
        if (operation instanceof PlannedOperation.RemoveMember remove) {
            return service.checkRemoveMember(caller, remove.image(), remove.member());
        }
        if (operation instanceof PlannedOperation.Accept accept) {
            return service.checkAccept(caller, accept.image(), accept.member());
        }
        if (operation instanceof PlannedOperation.Reject reject) {
            return service.checkReject(caller, reject.image(), reject.member());
        }
        if (operation instanceof PlannedOperation.Copy copy) {
            return service.checkCopy(caller, copy.request());
        }
        if (operation instanceof PlannedOperation.Launch launch) {
            return service.checkLaunch(caller, launch.image(), launch.request());
        }
        throw new AssertionError("no check method known for " + operation);
    }

    @Test
    void casesCoverEveryOperationBothWays() {
        Set<Class<?>> allowed = new HashSet<>();
        Set<Class<?>> denied = new HashSet<>();
        for (Case c : cases()) {
            (check(c.caller(), c.operation()).isAllowed() ? allowed : denied).add(c.operation().getClass());
        }

        Set<Class<?>> every = Set.of(PlannedOperation.class.getPermittedSubclasses());
        assertThat(allowed).isEqualTo(every);
        assertThat(denied).isEqualTo(every);
    }

    @Test
    void decisionMatchesCheck() {
        for (Case c : cases()) {
            Decision expected = check(c.caller(), c.operation());

            Decision actual = service.dryRun(c.caller(), c.operation()).decision();

            assertThat(actual.outcome()).as(c.name()).isEqualTo(expected.outcome());
            assertThat(actual.codes()).as(c.name()).isEqualTo(expected.codes());
            assertThat(actual.operation()).as(c.name()).isEqualTo(expected.operation());
            assertThat(actual.toString()).as(c.name()).isEqualTo(expected.toString());
        }
    }

    @Test
    void dryRunChangesNothing() {
        StoreSnapshot before = StoreSnapshot.of(fx.storage, service.catalog().regions());
        List<Object> listings = listings();

        for (Case c : cases()) {
            service.dryRun(c.caller(), c.operation());

            assertThat(StoreSnapshot.of(fx.storage, service.catalog().regions())).as(c.name()).isEqualTo(before);
            assertThat(listings()).as(c.name()).isEqualTo(listings);
        }
        assertThat(executor.queuedCount()).isEqualTo(1);
    }

    @Test
    void deniedRunPredictsNoChange() {
        for (Case c : cases()) {
            DryRun run = service.dryRun(c.caller(), c.operation());
            if (run.decision().isAllowed()) {
                continue;
            }

            assertThat(run.changes()).as(c.name()).isEmpty();
            assertThat(run.quota()).as(c.name()).isEmpty();
            assertThat(run.payer()).as(c.name()).isEmpty();
            assertThat(run.bytesMoved()).as(c.name()).isZero();
            assertThat(run.fromRegion()).as(c.name()).isEmpty();
            assertThat(run.toRegion()).as(c.name()).isEmpty();
        }
    }

    @Test
    void copyReportsQuotaPayerBytesRegions() {
        CopyRequest request = CopyRequest.of(template.id(), fx.acmeJp2.id()).acknowledgingDataTransfer();

        DryRun run = service.dryRun(acme, new PlannedOperation.Copy(request));

        assertThat(run.decision().isAllowed()).isTrue();
        // The copy job that populate() queued already takes one slot of acme-jp2.
        assertThat(run.quota()).contains(new DryRun.QuotaChange(fx.acmeJp2.id(), Plan.TEMPLATE, 1, 2,
                service.catalog().limits().maxImagesPerPlanPerTenant()));
        assertThat(run.payer()).contains(fx.acmeJp2.id());
        assertThat(run.bytesMoved()).isEqualTo(ServiceFixture.RAW.length);
        assertThat(run.fromRegion()).contains(fx.acmeJp1.region());
        assertThat(run.toRegion()).contains(fx.acmeJp2.region());
        assertThat(run.changes()).isNotEmpty();

        service.copy(acme, request);
        assertThat(fx.repository().usage(fx.acmeJp2.id()).count(Plan.TEMPLATE)).isEqualTo(run.quota().get().after());
    }

    @Test
    void deleteReportsQuotaAndEndedMemberships() {
        int templates = fx.repository().usage(fx.acmeJp1.id()).count(Plan.TEMPLATE);

        DryRun run = service.dryRun(acme, new PlannedOperation.Delete(template.id()));

        assertThat(run.decision().isAllowed()).isTrue();
        assertThat(run.quota()).contains(new DryRun.QuotaChange(fx.acmeJp1.id(), Plan.TEMPLATE, templates,
                templates - 1, service.catalog().limits().maxImagesPerPlanPerTenant()));
        assertThat(run.changes()).anySatisfy(change -> assertThat(change).contains("end 2 memberships"));
        assertThat(run.payer()).isEmpty();

        service.delete(acme, template.id());
        assertThat(fx.repository().usage(fx.acmeJp1.id()).count(Plan.TEMPLATE)).isEqualTo(run.quota().get().after());
        assertThat(service.listMemberships(globex)).isEmpty();
        assertThat(service.listMemberships(as(fx.acme2Jp1))).isEmpty();
    }

    @Test
    void registerReportsQuotaAndPayer() {
        DryRun run = service.dryRun(acme, new PlannedOperation.Register(RegisterRequest.iso("new").build()));

        assertThat(run.quota()).contains(new DryRun.QuotaChange(fx.acmeJp1.id(), Plan.ISO, 0, 1,
                service.catalog().limits().maxImagesPerPlanPerTenant()));
        assertThat(run.payer()).contains(fx.acmeJp1.id());
        assertThat(run.bytesMoved()).isZero();
    }

    @Test
    void launchReportsActingTenantAsPayer() {
        DryRun run = service.dryRun(globex, new PlannedOperation.Launch(template.id(), VIRTUAL_SERVER));

        assertThat(run.payer()).contains(fx.globexJp1.id());
        assertThat(run.quota()).isEmpty();
        assertThat(run.bytesMoved()).isZero();
    }

    /** Returns what each tenant can list, its usage and its jobs. */
    private List<Object> listings() {
        List<Object> seen = new ArrayList<>();
        for (var tenant : List.of(fx.acmeJp1, fx.acme2Jp1, fx.acmeJp2, fx.globexJp1, fx.globexJp2)) {
            seen.add(service.listImages(as(tenant)));
            seen.add(service.listMemberships(as(tenant)));
            seen.add(service.listJobs(as(tenant)));
            seen.add(service.usageReport(tenant.id()).lines());
            seen.add(fx.repository().usage(tenant.id()));
        }
        return seen;
    }
}
