package dev.imagestorage.policy;

import static dev.imagestorage.policy.PolicyFixtures.A_JP1;
import static dev.imagestorage.policy.PolicyFixtures.A_JP2;
import static dev.imagestorage.policy.PolicyFixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagestorage.catalog.Catalog;
import dev.imagestorage.catalog.Limits;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageId;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.UploadChannel;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The upload channels: the portal takes at most the catalog's portal upload limit, the API has no such limit. */
class UploadChannelTest {
    private static final long TEN_GB = 10 * Limits.GB;

    private final PolicyEngine engine = new PolicyEngine(PolicyFixtures.catalog());
    private final Caller owner = Caller.of(A_JP1.id());

    private Decision upload(Image image, UploadChannel channel, OptionalLong declaredSize) {
        return engine.upload(owner, A_JP1, image, channel, declaredSize);
    }

    private static Image queued(DiskFormat format) {
        return ImageBuilder.of(A_JP1, format).status(ImageStatus.QUEUED).build();
    }

    @ParameterizedTest
    @EnumSource(DiskFormat.class)
    void portalAtLimitAllowed(DiskFormat format) {
        Decision decision = upload(queued(format), UploadChannel.PORTAL, OptionalLong.of(TEN_GB));

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
    }

    @ParameterizedTest
    @EnumSource(DiskFormat.class)
    void portalOverLimitDenied(DiskFormat format) {
        Decision decision = upload(queued(format), UploadChannel.PORTAL, OptionalLong.of(TEN_GB + 1));

        assertThat(decision.codes()).containsExactly(ReasonCode.LIMIT_PORTAL_UPLOAD);
        assertThat(decision.denials().get(0).message())
                .contains("an upload of " + (TEN_GB + 1) + " bytes")
                .contains("portal upload limit of 10 GB")
                .contains("through the API");
    }

    @ParameterizedTest
    @EnumSource(DiskFormat.class)
    void apiHasNoPortalLimit(DiskFormat format) {
        Decision decision = upload(queued(format), UploadChannel.API, OptionalLong.of(4096 * Limits.GB));

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
    }

    /** Without a declared size the engine allows the upload, and the service enforces the limit on the stream. */
    @Test
    void portalWithoutDeclaredSizeAllowed() {
        Decision decision = upload(queued(DiskFormat.QCOW2), UploadChannel.PORTAL, OptionalLong.empty());

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
    }

    @Test
    void portalLimitFollowsCatalog() {
        PolicyEngine oneGb = new PolicyEngine(
                Catalog.defaults().withLimits(Limits.defaults().withMaxPortalUploadBytes(Limits.GB)));
        Image image = queued(DiskFormat.RAW);

        Decision atLimit = oneGb.upload(owner, A_JP1, image, UploadChannel.PORTAL, OptionalLong.of(Limits.GB));
        Decision overLimit = oneGb.upload(owner, A_JP1, image, UploadChannel.PORTAL, OptionalLong.of(Limits.GB + 1));

        assertThat(atLimit.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        assertThat(overLimit.codes()).containsExactly(ReasonCode.LIMIT_PORTAL_UPLOAD);
        assertThat(overLimit.denials().get(0).message()).contains("limit of 1 GB");
    }

    @ParameterizedTest
    @EnumSource(UploadChannel.class)
    void copyDestinationDenied(UploadChannel channel) {
        Image source = ImageBuilder.template(A_JP2).build();
        Image destination = source.copyTo(ImageId.random(), A_JP1, NOW);

        Decision decision = upload(destination, channel, OptionalLong.empty());

        assertThat(destination.status()).isEqualTo(ImageStatus.QUEUED);
        assertThat(decision.codes()).containsExactly(ReasonCode.IMAGE_NOT_QUEUED);
        assertThat(decision.denials().get(0).message())
                .contains("destination of a copy of image " + source.id())
                .contains("from the copy job");
    }

    @Test
    void overLimitAndWrongStatusBothListed() {
        Image active = ImageBuilder.template(A_JP1).build();

        Decision decision = upload(active, UploadChannel.PORTAL, OptionalLong.of(TEN_GB + 1));

        assertThat(decision.codes()).containsExactly(ReasonCode.IMAGE_NOT_QUEUED, ReasonCode.LIMIT_PORTAL_UPLOAD);
    }
}
