package dev.imagestorage.service;

import static dev.imagestorage.service.ServiceFixture.as;
import static dev.imagestorage.service.ServiceFixture.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagestorage.ImageStorageException;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.IsoAttachment;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.ServerPhase;
import dev.imagestorage.model.ServerRef;
import java.io.ByteArrayInputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Attachments that race with deletion or repeat themselves leave no server blocked by a deleted image. */
class IsoAttachmentRaceTest {
    private static final byte[] ISO = fixture("tiny.iso");

    private final ServiceFixture fx = new ServiceFixture();
    private final Caller acme = as(fx.acmeJp1);

    private Image activeIso(String name) {
        Image queued = fx.service.register(acme, RegisterRequest.iso(name).build());
        return fx.service.upload(acme, queued.id(), new ByteArrayInputStream(ISO));
    }

    @Test
    void repeatedVirtualAttachReturnsSame() {
        Image iso = activeIso("installer");
        ServerRef server = ServerRef.virtual("vm-1");

        IsoAttachment first = fx.service.attachIso(acme, iso.id(), server, ServerPhase.LAUNCH);
        IsoAttachment second = fx.service.attachIso(acme, iso.id(), server, ServerPhase.LAUNCH);

        assertThat(second).isEqualTo(first);
    }

    @Test
    void attachRacingDeleteLeavesServerFree() throws Exception {
        for (int round = 0; round < 20; round++) {
            Image iso = activeIso("racing-" + round);
            ServerRef server = ServerRef.baremetal("bm-" + round);
            CountDownLatch start = new CountDownLatch(1);

            CompletableFuture<Void> attach = CompletableFuture.runAsync(() -> {
                await(start);
                try {
                    fx.service.attachIso(acme, iso.id(), server, ServerPhase.RUNNING);
                } catch (ImageStorageException e) {
                    // Losing the race to the deletion is fine; the state afterwards is what counts.
                }
            });
            CompletableFuture<Void> delete = CompletableFuture.runAsync(() -> {
                await(start);
                fx.service.delete(acme, iso.id());
            });
            start.countDown();
            attach.get();
            delete.get();

            Image other = activeIso("next-" + round);
            assertThat(fx.service.checkAttachIso(acme, other.id(), server, ServerPhase.RUNNING).isAllowed())
                    .as("round %d: %s is free again", round, server)
                    .isTrue();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
