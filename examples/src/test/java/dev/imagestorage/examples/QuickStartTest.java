package dev.imagestorage.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagestorage.policy.Decision;
import dev.imagestorage.policy.ReasonCode;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickStartTest {
    @Test
    void shareAcrossRegionsIsExplained(@TempDir Path root) throws IOException {
        Decision decision = QuickStart.run(root);

        assertThat(decision.isDenied()).isTrue();
        assertThat(decision.codes()).containsExactly(ReasonCode.SHARE_ACROSS_REGIONS);
        assertThat(decision.toString()).contains("tenant globex-jp2 is in region JP2");
    }
}
