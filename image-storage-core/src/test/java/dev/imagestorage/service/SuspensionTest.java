package dev.imagestorage.service;

import static dev.imagestorage.service.ServiceFixture.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagestorage.NotFoundException;
import dev.imagestorage.OperationDeniedException;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.CopyRequest;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.IsoPurpose;
import dev.imagestorage.model.LaunchRequest;
import dev.imagestorage.model.MembershipStatus;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.ResourceType;
import dev.imagestorage.model.ServerPhase;
import dev.imagestorage.model.ServerRef;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.policy.Decision;
import dev.imagestorage.policy.ReasonCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Suspension of a tenant or of its whole contract: the suspended side can act on nothing but deletions and
 * rejections, its data stays, members of its images lose access, and lifting the suspension restores all of it.
 */
class SuspensionTest {
    private static final LaunchRequest VIRTUAL_SERVER = LaunchRequest.of(ResourceType.VIRTUAL_SERVER, 40, 4096);
    private static final LaunchRequest ISO_ON_BAREMETAL =
            LaunchRequest.fromIso(ResourceType.BAREMETAL_SERVER, IsoPurpose.OS_INSTALLER, 40, 4096);

    /** Which standing the test changes: the owner tenant's own, or that of its contract. */
    enum Scope {
        TENANT,
        CONTRACT
    }

    private final ServiceFixture fx = new ServiceFixture();
    private final ImageService service = fx.service;
    private final Caller owner = as(fx.acmeJp1, fx.acmeJp2);
    private final Caller member = as(fx.globexJp1);

    private Image template;
    private Image iso;
    private Image queued;
    private Image offered;

    /**
     * Tenant acme-jp1 owns an ACTIVE template and an ACTIVE ISO image, both accepted by globex-jp1, and a QUEUED
     * template. Tenant globex-jp1 has shared one of its own images with acme-jp1, which has not answered yet.
     */
    @BeforeEach
    void shareImages() {
        template = fx.activeTemplate(owner, "template");
        iso = fx.activeIso(owner, "installer");
        queued = service.register(owner, RegisterRequest.template("queued", DiskFormat.RAW).build());
        for (Image image : List.of(template, iso)) {
            service.addMember(owner, image.id(), fx.globexJp1.id());
            service.accept(member, image.id(), fx.globexJp1.id());
        }
        offered = fx.activeTemplate(member, "offered");
        service.addMember(member, offered.id(), fx.acmeJp1.id());
    }

    @AfterEach
    void noStreamLeftOpen() {
        fx.assertNoOpenStreams();
    }

    private void suspend(Scope scope) {
        if (scope == Scope.TENANT) {
            service.suspendTenant(fx.acmeJp1.id());
        } else {
            service.suspendContract(fx.acmeJp1.contract());
        }
    }

    private void lift(Scope scope) {
        if (scope == Scope.TENANT) {
            service.liftTenantSuspension(fx.acmeJp1.id());
        } else {
            service.liftContractSuspension(fx.acmeJp1.contract());
        }
    }

    @ParameterizedTest
    @EnumSource(Scope.class)
    void suspendedOwnerChecksDenied(Scope scope) {
        suspend(scope);

        Map<String, Decision> decisions = new LinkedHashMap<>();
        decisions.put("register", service.checkRegister(owner, RegisterRequest.iso("new").build()));
        decisions.put("upload", service.checkUpload(owner, queued.id(), UploadOptions.api()));
        decisions.put("share", service.checkAddMember(owner, iso.id(), fx.acme2Jp1.id()));
        decisions.put("accept", service.checkAccept(owner, offered.id(), fx.acmeJp1.id()));
        decisions.put("copy", service.checkCopy(owner,
                CopyRequest.of(template.id(), fx.acmeJp2.id()).acknowledgingDataTransfer()));
        decisions.put("launch", service.checkLaunch(owner, template.id(), VIRTUAL_SERVER));
        decisions.put("attach", service.checkAttachIso(owner, iso.id(), ServerRef.baremetal("bm-1"),
                ServerPhase.RUNNING));
        decisions.put("download", service.checkDownload(owner, template.id()));

        // A suspended contract also suspends the copy's destination, so only the caller's own reason is common.
        decisions.forEach((operation, decision) ->
                assertThat(decision.codes()).as(operation).contains(ReasonCode.TENANT_SUSPENDED));
        assertThat(decisions.get("register").codes()).containsExactly(ReasonCode.TENANT_SUSPENDED);
    }

    @ParameterizedTest
    @EnumSource(Scope.class)
    void suspendedOwnerActionsThrowAndChangeNothing(Scope scope) {
        suspend(scope);
        StoreSnapshot before = StoreSnapshot.of(fx.storage, service.catalog().regions());

        List<Runnable> actions = List.of(
                () -> service.register(owner, RegisterRequest.iso("new").build()),
                () -> service.upload(owner, queued.id(), new ByteArrayInputStream(ServiceFixture.RAW)),
                () -> service.addMember(owner, iso.id(), fx.acme2Jp1.id()),
                () -> service.accept(owner, offered.id(), fx.acmeJp1.id()),
                () -> service.copy(owner, CopyRequest.of(template.id(), fx.acmeJp2.id()).acknowledgingDataTransfer()),
                () -> service.launch(owner, template.id(), VIRTUAL_SERVER),
                () -> service.attachIso(owner, iso.id(), ServerRef.baremetal("bm-1"), ServerPhase.RUNNING),
                () -> service.download(owner, template.id(), new ByteArrayOutputStream()),
                () -> service.capture(owner, ResourceType.VIRTUAL_SERVER,
                        RegisterRequest.template("captured", DiskFormat.QCOW2).build()));
        for (Runnable action : actions) {
            assertThatThrownBy(action::run)
                    .isInstanceOfSatisfying(OperationDeniedException.class, e ->
                            assertThat(e.decision().codes()).contains(ReasonCode.TENANT_SUSPENDED));
        }

        assertThat(StoreSnapshot.of(fx.storage, service.catalog().regions())).isEqualTo(before);
    }

    @ParameterizedTest
    @EnumSource(Scope.class)
    void suspensionKeepsData(Scope scope) {
        List<Image> images = service.listImages(owner);
        var members = service.listMembers(owner, template.id());
        var memberships = service.listMemberships(owner);
        var usage = fx.repository().usage(fx.acmeJp1.id());

        suspend(scope);

        assertThat(service.listImages(owner)).isEqualTo(images);
        assertThat(service.image(owner, template.id())).isEqualTo(template);
        assertThat(service.listMembers(owner, template.id())).isEqualTo(members);
        assertThat(service.listMemberships(owner)).isEqualTo(memberships);
        assertThat(fx.repository().usage(fx.acmeJp1.id())).isEqualTo(usage);
        assertThat(fx.hasBlob(template)).isTrue();
        assertThat(fx.hasBlob(iso)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Scope.class)
    void membersLoseAccessWhileSuspended(Scope scope) {
        suspend(scope);

        assertThat(service.listImages(member)).extracting(Image::id).containsExactly(offered.id());
        assertThatThrownBy(() -> service.image(member, template.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> service.image(member, iso.id())).isInstanceOf(NotFoundException.class);
        assertThat(service.checkDownload(member, template.id()).codes())
                .containsExactly(ReasonCode.OWNER_SUSPENDED);
        assertThat(service.checkLaunch(member, template.id(), VIRTUAL_SERVER).codes())
                .containsExactly(ReasonCode.OWNER_SUSPENDED);
        assertThat(service.checkLaunch(member, iso.id(), ISO_ON_BAREMETAL).codes())
                .containsExactly(ReasonCode.OWNER_SUSPENDED);
        assertThat(service.checkAttachIso(member, iso.id(), ServerRef.baremetal("bm-1"), ServerPhase.RUNNING)
                .codes()).containsExactly(ReasonCode.OWNER_SUSPENDED);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> service.download(member, template.id(), out))
                .isInstanceOf(OperationDeniedException.class);
        assertThat(out.size()).isZero();
        assertThatThrownBy(() -> service.launch(member, template.id(), VIRTUAL_SERVER))
                .isInstanceOf(OperationDeniedException.class);
        assertThat(service.listMemberships(member)).extracting(m -> m.status())
                .containsOnly(MembershipStatus.ACCEPTED);
    }

    @ParameterizedTest
    @EnumSource(Scope.class)
    void liftingRestoresListingsAndDecisions(Scope scope) {
        Map<String, Object> before = observe();

        suspend(scope);
        assertThat(observe()).isNotEqualTo(before);
        lift(scope);

        Map<String, Object> after = observe();
        assertThat(after.keySet()).isEqualTo(before.keySet());
        for (String key : before.keySet()) {
            assertThat(after.get(key)).as(key).isEqualTo(before.get(key));
        }
    }

    @Test
    void liftingLeavesNoTraceInImagesOrMemberships() {
        StoreSnapshot before = StoreSnapshot.of(fx.storage, service.catalog().regions());

        service.suspendContract(fx.acmeJp1.contract());
        service.suspendTenant(fx.acmeJp1.id());
        service.liftTenantSuspension(fx.acmeJp1.id());
        service.liftContractSuspension(fx.acmeJp1.contract());

        StoreSnapshot after = StoreSnapshot.of(fx.storage, service.catalog().regions());
        assertThat(after.blobs()).isEqualTo(before.blobs());
        before.documents().forEach((key, value) -> {
            if (!key.startsWith("contracts/") && !key.startsWith("tenants/")) {
                assertThat(after.documents().get(key)).as(key).isEqualTo(value);
            }
        });
        assertThat(after.documents().keySet()).isEqualTo(before.documents().keySet());
        assertThat(service.tenant(fx.acmeJp1.id()).isActive()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Scope.class)
    void suspendedOwnerMayDeleteAndReject(Scope scope) {
        suspend(scope);

        service.reject(owner, offered.id(), fx.acmeJp1.id());
        service.delete(owner, template.id());

        assertThat(service.listMemberships(owner)).extracting(m -> m.status())
                .containsExactly(MembershipStatus.REJECTED);
        assertThat(fx.repository().findImage(template.id()).orElseThrow().status()).isEqualTo(ImageStatus.DELETED);
        assertThat(fx.hasBlob(template)).isFalse();
        assertThat(service.listMemberships(member)).extracting(m -> m.image()).containsExactly(iso.id());
    }

    @Test
    void tenantSuspensionSparesOtherTenantsOfContract() {
        service.suspendTenant(fx.acmeJp1.id());

        Caller sibling = as(fx.acme2Jp1);
        assertThat(service.checkRegister(sibling, RegisterRequest.iso("new").build()).isAllowed()).isTrue();
        assertThat(service.checkCopy(as(fx.acme2Jp1, fx.acmeJp1), fx.activeTemplate(sibling, "own").id(),
                fx.acmeJp1.id()).codes()).containsExactly(ReasonCode.DESTINATION_NOT_ACTIVE);
    }

    @Test
    void contractSuspensionSuspendsEveryTenant() {
        service.suspendContract(fx.acmeJp1.contract());

        for (Tenant tenant : List.of(fx.acmeJp1, fx.acme2Jp1, fx.acmeJp2)) {
            assertThat(service.checkRegister(as(tenant), RegisterRequest.iso("new").build()).codes())
                    .as(tenant.id().value())
                    .containsExactly(ReasonCode.TENANT_SUSPENDED);
        }
        assertThat(service.checkRegister(member, RegisterRequest.iso("new").build()).isAllowed()).isTrue();
    }

    /** Lists what each tenant can see and what the service would decide for it, as comparable values. */
    private Map<String, Object> observe() {
        Map<String, Object> seen = new LinkedHashMap<>();
        for (Tenant tenant : List.of(fx.acmeJp1, fx.acme2Jp1, fx.acmeJp2, fx.globexJp1, fx.globexJp2)) {
            seen.put("images of " + tenant.id(), service.listImages(as(tenant)));
            seen.put("memberships of " + tenant.id(), service.listMemberships(as(tenant)));
        }
        seen.put("members of template", service.listMembers(owner, template.id()));
        seen.put("member view of template", attempt(() -> service.image(member, template.id())));
        seen.put("usage of acme", service.usageReport(fx.acmeJp1.contract()).lines());
        seen.put("usage of globex", service.usageReport(fx.globexJp1.contract()).lines());

        List<Supplier<Decision>> checks = new ArrayList<>(List.of(
                () -> service.checkRegister(owner, RegisterRequest.iso("new").build()),
                () -> service.checkUpload(owner, queued.id(), UploadOptions.api()),
                () -> service.checkAddMember(owner, iso.id(), fx.acme2Jp1.id()),
                () -> service.checkAccept(owner, offered.id(), fx.acmeJp1.id()),
                () -> service.checkCopy(owner,
                        CopyRequest.of(template.id(), fx.acmeJp2.id()).acknowledgingDataTransfer()),
                () -> service.checkLaunch(owner, template.id(), VIRTUAL_SERVER),
                () -> service.checkAttachIso(owner, iso.id(), ServerRef.baremetal("bm-1"), ServerPhase.RUNNING),
                () -> service.checkDownload(owner, template.id()),
                () -> service.checkDownload(member, template.id()),
                () -> service.checkLaunch(member, iso.id(), ISO_ON_BAREMETAL),
                () -> service.checkAttachIso(member, iso.id(), ServerRef.baremetal("bm-2"), ServerPhase.RUNNING)));
        for (int i = 0; i < checks.size(); i++) {
            seen.put("decision " + i, checks.get(i).get().toString());
        }
        return seen;
    }

    private static Object attempt(Supplier<Object> read) {
        try {
            return read.get();
        } catch (NotFoundException e) {
            return e.getMessage();
        }
    }
}
