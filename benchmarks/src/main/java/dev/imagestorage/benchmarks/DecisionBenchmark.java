package dev.imagestorage.benchmarks;

import dev.imagestorage.policy.Decision;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * Decisions per second of the policy engine for share ({@code addMember}), copy and launch, on one thread, with
 * the jCasbin share model as the baseline. Each benchmark returns its result, so JMH consumes it and the JIT can
 * not drop the call. {@link DecisionFixtures} checks before measuring that each case takes the path it names.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class DecisionBenchmark {
    @Benchmark
    public Decision shareAllowed(DecisionFixtures fixtures) {
        return fixtures.shareWithSameRegion();
    }

    @Benchmark
    public Decision shareDenied(DecisionFixtures fixtures) {
        return fixtures.shareAcrossRegions();
    }

    @Benchmark
    public Decision copyAllowed(DecisionFixtures fixtures) {
        return fixtures.copyWithinContract();
    }

    @Benchmark
    public Decision copyDenied(DecisionFixtures fixtures) {
        return fixtures.copyAcrossContracts();
    }

    @Benchmark
    public Decision launchAllowed(DecisionFixtures fixtures) {
        return fixtures.launchVirtualServer();
    }

    @Benchmark
    public Decision launchDenied(DecisionFixtures fixtures) {
        return fixtures.launchBaremetalServer();
    }

    @Benchmark
    public boolean casbinShareAllowed(DecisionFixtures fixtures) {
        return fixtures.casbin.allows(
                fixtures.acmeJp1Attributes, fixtures.templateAttributes, fixtures.globexJp1Attributes);
    }

    @Benchmark
    public boolean casbinShareDenied(DecisionFixtures fixtures) {
        return fixtures.casbin.allows(
                fixtures.acmeJp1Attributes, fixtures.templateAttributes, fixtures.globexJp2Attributes);
    }
}
