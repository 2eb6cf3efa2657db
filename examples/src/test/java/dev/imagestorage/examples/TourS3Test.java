package dev.imagestorage.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagestorage.s3.S3ProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;

/** The tour on an S3Proxy server in this process, reached through the tour's S3 options. */
class TourS3Test {
    private static S3ProxyServer server;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void startServer() {
        server = S3ProxyServer.startInMemory();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private int run(String... args) {
        return Tour.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String[] s3Options(String bucketPrefix) {
        return new String[] {"--s3-endpoint", server.endpoint().toString(), "--s3-region", "us-east-1",
            "--s3-access-key", server.accessKey(), "--s3-secret-key", server.secretKey(),
            "--s3-bucket-prefix", bucketPrefix};
    }

    @Test
    void tourWalksThroughEveryStepOnS3() {
        int exitCode = run(s3Options("tour-test"));

        String output = out.toString(StandardCharsets.UTF_8);
        assertThat(exitCode).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(output)
                .contains("S3 store at " + server.endpoint())
                .contains("template 'demo-template' (qcow2")
                .contains(": SUCCEEDED, 100%")
                .contains("[share.cross-region]")
                .contains("the SHA-256 checksums match");
        try (S3Client s3 = server.newClient()) {
            List<String> buckets = s3.listBuckets().buckets().stream().map(Bucket::name).toList();
            assertThat(buckets).contains("tour-test-metadata", "tour-test-jp1", "tour-test-jp2");
        }
    }

    @Test
    void incompleteS3OptionsRejected() {
        int exitCode = run("--s3-endpoint", server.endpoint().toString(), "--s3-region", "us-east-1");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing --s3-access-key");
    }

    @Test
    void storeAndS3Rejected() {
        String[] s3 = s3Options("unused");
        String[] args = new String[s3.length + 2];
        System.arraycopy(s3, 0, args, 0, s3.length);
        args[s3.length] = "--store";
        args[s3.length + 1] = "/tmp/unused-tour-store";

        assertThat(run(args)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--store and --s3-endpoint exclude each other");
    }
}
