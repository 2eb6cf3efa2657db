package dev.imagestorage.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagestorage.model.Image;
import dev.imagestorage.model.ImageStatus;
import dev.imagestorage.model.Origin;
import dev.imagestorage.model.TenantId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntakeExampleTest {
    @Test
    void compressedUploadThenBundleToOtherTenant(@TempDir Path root) throws IOException {
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        Image imported = IntakeExample.run(root, new PrintStream(output, true, StandardCharsets.UTF_8));

        String printed = output.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("1. acme-jp1 uploaded").contains("gzip-compressed qcow2")
                .contains("stored 393216 bytes").contains("virtual size 1048576 bytes");
        assertThat(printed).contains("2. acme-jp1 exported image").contains("demo-template.bundle.tar");
        assertThat(printed).contains("3. globex-jp1 imported the bundle").contains("origin PRIVATE");
        assertThat(printed).contains("4. the SHA-256 of the imported image matches the original");
        assertThat(imported.owner()).isEqualTo(TenantId.of("globex-jp1"));
        assertThat(imported.status()).isEqualTo(ImageStatus.ACTIVE);
        assertThat(imported.origin()).isEqualTo(Origin.PRIVATE);
        assertThat(imported.tags()).containsExactly("demo");
        assertThat(root.resolve("demo-template.bundle.tar")).isRegularFile();
    }
}
