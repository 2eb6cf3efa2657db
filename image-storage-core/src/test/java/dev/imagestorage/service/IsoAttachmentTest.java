package dev.imagestorage.service;

import static dev.imagestorage.service.ServiceFixture.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagestorage.ConflictException;
import dev.imagestorage.OperationDeniedException;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.IsoAttachment;
import dev.imagestorage.model.ServerPhase;
import dev.imagestorage.model.ServerRef;
import dev.imagestorage.policy.ReasonCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ISO images attached to servers through the service: one to one for baremetal servers, free for virtual ones. */
class IsoAttachmentTest {
    private static final int RACE_ROUNDS = 25;

    private final ServiceFixture fx = new ServiceFixture();
    private final ImageService service = fx.service;
    private final Caller acme = as(fx.acmeJp1);
    private final ServerRef baremetal1 = ServerRef.baremetal("bm-1");
    private final ServerRef baremetal2 = ServerRef.baremetal("bm-2");

    @AfterEach
    void noStreamLeftOpen() {
        fx.assertNoOpenStreams();
    }

    @Test
    void baremetalServerTakesOneIso() {
        Image first = fx.activeIso(acme, "first");
        Image second = fx.activeIso(acme, "second");
        service.attachIso(acme, first.id(), baremetal1, ServerPhase.RUNNING);

        assertThatThrownBy(() -> service.attachIso(acme, second.id(), baremetal1, ServerPhase.RUNNING))
                .isInstanceOfSatisfying(OperationDeniedException.class, e ->
                        assertThat(e.decision().codes()).containsExactly(ReasonCode.ISO_BAREMETAL_HAS_ISO));
        assertThat(fx.repository().listAttachmentsOfServer(baremetal1)).extracting(IsoAttachment::image)
                .containsExactly(first.id());
    }

    @Test
    void isoTakesOneBaremetalServer() {
        Image iso = fx.activeIso(acme, "iso");
        service.attachIso(acme, iso.id(), baremetal1, ServerPhase.LAUNCH);

        assertThatThrownBy(() -> service.attachIso(acme, iso.id(), baremetal2, ServerPhase.LAUNCH))
                .isInstanceOfSatisfying(OperationDeniedException.class, e ->
                        assertThat(e.decision().codes()).containsExactly(ReasonCode.ISO_IN_USE_BY_BAREMETAL));
        assertThat(fx.repository().listAttachmentsOfImage(iso.id())).extracting(IsoAttachment::server)
                .containsExactly(baremetal1);
    }

    @Test
    void racingAttachmentsOfOneIsoOneWins() throws Exception {
        for (int round = 0; round < RACE_ROUNDS; round++) {
            Image iso = fx.activeIso(acme, "iso-" + round);
            ServerRef left = ServerRef.baremetal("left-" + round);
            ServerRef right = ServerRef.baremetal("right-" + round);

            List<Object> outcomes = race(
                    () -> service.attachIso(acme, iso.id(), left, ServerPhase.RUNNING),
                    () -> service.attachIso(acme, iso.id(), right, ServerPhase.RUNNING));

            assertOneWinner(outcomes, "round " + round);
            assertThat(fx.repository().listAttachmentsOfImage(iso.id())).as("round " + round).hasSize(1);
            int serversWithIso = fx.repository().listAttachmentsOfServer(left).size()
                    + fx.repository().listAttachmentsOfServer(right).size();
            assertThat(serversWithIso).as("round " + round).isEqualTo(1);
        }
    }

    @Test
    void racingServicesOnOneStoreOneWins() throws Exception {
        ImageService other = ImageService.builder().storage(fx.storage).catalog(service.catalog()).build();
        for (int round = 0; round < RACE_ROUNDS; round++) {
            Image first = fx.activeIso(acme, "first-" + round);
            Image second = fx.activeIso(acme, "second-" + round);
            ServerRef server = ServerRef.baremetal("shared-" + round);

            List<Object> outcomes = race(
                    () -> service.attachIso(acme, first.id(), server, ServerPhase.RUNNING),
                    () -> other.attachIso(acme, second.id(), server, ServerPhase.RUNNING));

            assertOneWinner(outcomes, "round " + round);
            assertThat(fx.repository().listAttachmentsOfServer(server)).as("round " + round).hasSize(1);
            int isosAttached = fx.repository().listAttachmentsOfImage(first.id()).size()
                    + fx.repository().listAttachmentsOfImage(second.id()).size();
            assertThat(isosAttached).as("round " + round).isEqualTo(1);
        }
    }

    @Test
    void detachThenReattachWorks() {
        Image first = fx.activeIso(acme, "first");
        Image second = fx.activeIso(acme, "second");
        service.attachIso(acme, first.id(), baremetal1, ServerPhase.RUNNING);

        service.detachIso(acme, first.id(), baremetal1, ServerPhase.RUNNING);
        service.attachIso(acme, first.id(), baremetal2, ServerPhase.RUNNING);
        service.attachIso(acme, second.id(), baremetal1, ServerPhase.RUNNING);

        assertThat(fx.repository().listAttachmentsOfServer(baremetal1)).extracting(IsoAttachment::image)
                .containsExactly(second.id());
        assertThat(fx.repository().listAttachmentsOfServer(baremetal2)).extracting(IsoAttachment::image)
                .containsExactly(first.id());
        assertThat(service.checkDetachIso(acme, first.id(), baremetal1, ServerPhase.RUNNING).codes())
                .containsExactly(ReasonCode.ISO_NOT_ATTACHED);
    }

    @Test
    void virtualServersUnlimited() {
        Image iso = fx.activeIso(acme, "iso");
        service.attachIso(acme, iso.id(), baremetal1, ServerPhase.LAUNCH);

        for (int i = 0; i < 10; i++) {
            service.attachIso(acme, iso.id(), ServerRef.virtual("vm-" + i), ServerPhase.LAUNCH);
        }

        assertThat(fx.repository().listAttachmentsOfImage(iso.id())).hasSize(11);
    }

    @Test
    void virtualServerAttachOnlyAtLaunch() {
        Image iso = fx.activeIso(acme, "iso");

        for (ServerPhase phase : List.of(ServerPhase.RUNNING, ServerPhase.DELETION)) {
            assertThat(service.checkAttachIso(acme, iso.id(), ServerRef.virtual("vm-1"), phase).codes())
                    .as(phase.name())
                    .containsExactly(ReasonCode.ISO_ATTACH_NOT_AT_LAUNCH);
        }
        assertThatThrownBy(() -> service.attachIso(acme, iso.id(), ServerRef.virtual("vm-1"), ServerPhase.RUNNING))
                .isInstanceOf(OperationDeniedException.class);
        assertThat(fx.repository().listAttachmentsOfImage(iso.id())).isEmpty();
    }

    @Test
    void virtualServerDetachOnlyAtDeletion() {
        Image iso = fx.activeIso(acme, "iso");
        ServerRef vm = ServerRef.virtual("vm-1");
        service.attachIso(acme, iso.id(), vm, ServerPhase.LAUNCH);

        for (ServerPhase phase : List.of(ServerPhase.LAUNCH, ServerPhase.RUNNING)) {
            assertThatThrownBy(() -> service.detachIso(acme, iso.id(), vm, phase))
                    .as(phase.name())
                    .isInstanceOfSatisfying(OperationDeniedException.class, e -> assertThat(e.decision().codes())
                            .containsExactly(ReasonCode.ISO_DETACH_NOT_AT_DELETION));
        }
        assertThat(fx.repository().listAttachmentsOfServer(vm)).hasSize(1);

        service.detachIso(acme, iso.id(), vm, ServerPhase.DELETION);
        assertThat(fx.repository().listAttachmentsOfServer(vm)).isEmpty();
    }

    @Test
    void deletingIsoRemovesAttachments() {
        Image iso = fx.activeIso(acme, "iso");
        Image next = fx.activeIso(acme, "next");
        ServerRef vm = ServerRef.virtual("vm-1");
        service.attachIso(acme, iso.id(), baremetal1, ServerPhase.RUNNING);
        service.attachIso(acme, iso.id(), vm, ServerPhase.LAUNCH);

        service.delete(acme, iso.id());

        assertThat(fx.repository().listAttachmentsOfImage(iso.id())).isEmpty();
        assertThat(fx.repository().listAttachmentsOfServer(baremetal1)).isEmpty();
        assertThat(fx.repository().listAttachmentsOfServer(vm)).isEmpty();
        service.attachIso(acme, next.id(), baremetal1, ServerPhase.RUNNING);
        assertThat(fx.repository().listAttachmentsOfServer(baremetal1)).extracting(IsoAttachment::image)
                .containsExactly(next.id());
    }

    @Test
    void templateNeverAttached() {
        Image template = fx.activeTemplate(acme, "template");

        assertThat(service.checkAttachIso(acme, template.id(), baremetal1, ServerPhase.RUNNING).codes())
                .containsExactly(ReasonCode.ISO_NOT_AN_ISO);
    }

    @Test
    void memberAttachesOnlyAfterAccepting() {
        Image iso = fx.activeIso(acme, "iso");
        Caller member = as(fx.globexJp1);
        service.addMember(acme, iso.id(), fx.globexJp1.id());

        assertThat(service.checkAttachIso(member, iso.id(), baremetal1, ServerPhase.RUNNING).codes())
                .containsExactly(ReasonCode.IMAGE_NOT_VISIBLE);
        service.accept(member, iso.id(), fx.globexJp1.id());
        IsoAttachment attachment = service.attachIso(member, iso.id(), baremetal1, ServerPhase.RUNNING);

        assertThat(attachment.attachedBy()).isEqualTo(fx.globexJp1.id());
        assertThat(service.checkDetachIso(acme, iso.id(), baremetal1, ServerPhase.RUNNING).codes())
                .containsExactly(ReasonCode.ISO_NOT_ATTACHED);
    }

    /** Runs both attachments at the same moment on two threads and returns each result or exception. */
    private static List<Object> race(Attachment left, Attachment right) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CyclicBarrier start = new CyclicBarrier(2);
        Function<Attachment, java.util.concurrent.Callable<Object>> task = attachment -> () -> {
            start.await(10, TimeUnit.SECONDS);
            try {
                return attachment.run();
            } catch (OperationDeniedException | ConflictException e) {
                return e;
            }
        };
        try {
            List<Future<Object>> futures = List.of(pool.submit(task.apply(left)), pool.submit(task.apply(right)));
            List<Object> outcomes = new ArrayList<>();
            for (Future<Object> future : futures) {
                outcomes.add(future.get(10, TimeUnit.SECONDS));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertOneWinner(List<Object> outcomes, String round) {
        assertThat(outcomes).as(round).hasSize(2);
        assertThat(outcomes).as(round).filteredOn(IsoAttachment.class::isInstance).hasSize(1);
        assertThat(outcomes).as(round).filteredOn(RuntimeException.class::isInstance).hasSize(1);
    }

    @FunctionalInterface
    private interface Attachment {
        IsoAttachment run();
    }
}
