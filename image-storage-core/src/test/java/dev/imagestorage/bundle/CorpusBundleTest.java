package dev.imagestorage.bundle;

import static dev.imagestorage.policy.ReasonCode.BUNDLE_ENTRY_UNEXPECTED;
import static dev.imagestorage.policy.ReasonCode.BUNDLE_ENTRY_UNSAFE;
import static dev.imagestorage.policy.ReasonCode.BUNDLE_MALFORMED;
import static dev.imagestorage.policy.ReasonCode.BUNDLE_MANIFEST_INVALID;
import static dev.imagestorage.policy.ReasonCode.BUNDLE_MANIFEST_MISSING;
import static dev.imagestorage.policy.ReasonCode.BUNDLE_SIZE_MISMATCH;
import static dev.imagestorage.policy.ReasonCode.UPLOAD_CHECKSUM_MISMATCH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.imagestorage.TestResources;
import dev.imagestorage.ImageStorageException;
import dev.imagestorage.UploadRejectedException;
import dev.imagestorage.memory.InMemoryStorage;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.ContractId;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.Origin;
import dev.imagestorage.model.RegionId;
import dev.imagestorage.model.TenantId;
import dev.imagestorage.policy.ReasonCode;
import dev.imagestorage.service.ImageService;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Imports every bundle of the corpus that fixtures/make-corpus.sh built with GNU tar, which is also the seed corpus
 * of BundleReaderFuzzTest, and checks the expected verdict of each.
 */
class CorpusBundleTest {
    static final String CORPUS = "/dev/imagestorage/bundle/BundleReaderFuzzTestInputs/";

    /** One corpus bundle and the reason its import is rejected, or empty when it is imported. */
    record Case(String file, Optional<ReasonCode> rejection) {
        @Override
        public String toString() {
            return file;
        }
    }

    private static Case imported(String file) {
        return new Case(file, Optional.empty());
    }

    private static Case rejected(String file, ReasonCode code) {
        return new Case(file, Optional.of(code));
    }

    static List<Case> cases() {
        return List.of(
                imported("raw.tar"),
                imported("qcow2-pax.tar"),
                imported("iso-gnu.tar"),
                rejected("manifest-second.tar", BUNDLE_MANIFEST_MISSING),
                rejected("manifest-twice.tar", BUNDLE_ENTRY_UNEXPECTED),
                rejected("extra-entry.tar", BUNDLE_ENTRY_UNEXPECTED),
                rejected("manifest-only.tar", BUNDLE_MALFORMED),
                rejected("traversal.tar", BUNDLE_ENTRY_UNSAFE),
                rejected("absolute-path.tar", BUNDLE_ENTRY_UNSAFE),
                rejected("symlink.tar", BUNDLE_ENTRY_UNSAFE),
                rejected("empty.tar", BUNDLE_MANIFEST_MISSING),
                rejected("size-mismatch.tar", BUNDLE_SIZE_MISMATCH),
                rejected("unknown-field.tar", BUNDLE_MANIFEST_INVALID),
                rejected("manifest-too-large.tar", BUNDLE_MANIFEST_INVALID),
                rejected("checksum-mismatch.tar", UPLOAD_CHECKSUM_MISMATCH),
                rejected("not-a-tar.bin", BUNDLE_MALFORMED));
    }

    static List<String> corpusFiles() {
        return TestResources.fileNames(CORPUS);
    }

    static byte[] read(String file) {
        return TestResources.read(CORPUS, file);
    }

    @Test
    void everyCorpusBundleHasCase() {
        List<String> covered = cases().stream().map(Case::file).sorted().toList();

        assertThat(covered).containsExactlyElementsOf(corpusFiles());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void corpusBundleImport(Case fixture) {
        ImageService service = ImageService.builder().storage(InMemoryStorage.create(Clock.systemUTC())).build();
        service.addContract(ContractId.of("globex"));
        service.addTenant(TenantId.of("globex-jp1"), ContractId.of("globex"), RegionId.of("JP1"));
        Caller globex = Caller.of(TenantId.of("globex-jp1"));
        ImageBundles bundles = new ImageBundles(service);
        byte[] bundle = read(fixture.file());

        if (fixture.rejection().isPresent()) {
            ImageStorageException e = assertThrows(ImageStorageException.class,
                    () -> bundles.importBundle(globex, new ByteArrayInputStream(bundle)));
            ReasonCode code = e instanceof UploadRejectedException upload
                    ? upload.reason().code()
                    : ((BundleRejectedException) e).reason().code();
            assertThat(code).isEqualTo(fixture.rejection().get());
            assertThat(service.listImages(globex)).isEmpty();
            return;
        }
        Image image = bundles.importBundle(globex, new ByteArrayInputStream(bundle));
        assertThat(image.status()).isEqualTo(ImageStatus.ACTIVE);
        assertThat(image.origin()).isEqualTo(Origin.PRIVATE);
        assertThat(image.tags()).containsExactly("corpus");
    }
}
