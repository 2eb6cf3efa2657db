package dev.imagestorage.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.Origin;
import dev.imagestorage.model.Plan;
import dev.imagestorage.model.RegisterRequest;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Operations no decision ever allows, whatever the tenants, image, caller and catalog. Each property also counts the
 * allowed decisions it saw, so that it fails when the generators stop producing the cases it is about.
 */
class ForbiddenOperationsProperties {
    private static final int EXAMPLES = 2000;

    private final Gen<PolicyScenario> scenarios = PolicyScenario.scenarios(PolicyGenerators.catalogs());

    @Test
    void shareNeverCrossesRegions() {
        AtomicInteger allowed = new AtomicInteger();

        qt().withExamples(EXAMPLES).forAll(scenarios).checkAssert(scenario -> {
            Decision decision = scenario.decideAll(scenario.engine()).get("add-member");
            if (decision.isAllowed()) {
                allowed.incrementAndGet();
                assertThat(scenario.other().region()).as(decision::toString).isEqualTo(scenario.owner().region());
                assertThat(scenario.other().id()).as(decision::toString).isNotEqualTo(scenario.owner().id());
            }
        });

        assertThat(allowed.get()).as("allowed shares seen").isPositive();
    }

    @Test
    void copyNeverCrossesContracts() {
        AtomicInteger allowed = new AtomicInteger();

        qt().withExamples(EXAMPLES).forAll(scenarios).checkAssert(scenario -> {
            Decision decision = scenario.decideAll(scenario.engine()).get("copy");
            if (decision.isAllowed()) {
                allowed.incrementAndGet();
                assertThat(scenario.other().contract()).as(decision::toString)
                        .isEqualTo(scenario.owner().contract());
                assertThat(scenario.image().origin()).as(decision::toString).isNotEqualTo(Origin.OFFICIAL);
            }
        });

        assertThat(allowed.get()).as("allowed copies seen").isPositive();
    }

    @Test
    void protectedImageNeverDeleted() {
        AtomicInteger allowed = new AtomicInteger();

        qt().withExamples(EXAMPLES).forAll(scenarios).checkAssert(scenario -> {
            Decision decision = scenario.decideAll(scenario.engine()).get("delete");
            if (decision.isAllowed()) {
                allowed.incrementAndGet();
                assertThat(scenario.image().deletionProtected()).as(decision::toString).isFalse();
            }
        });

        assertThat(allowed.get()).as("allowed deletions seen").isPositive();
    }

    @Test
    void restrictedImageNeverDownloaded() {
        AtomicInteger allowed = new AtomicInteger();

        qt().withExamples(EXAMPLES).forAll(scenarios).checkAssert(scenario -> {
            Decision decision = scenario.decideAll(scenario.engine()).get("download");
            if (decision.isAllowed()) {
                allowed.incrementAndGet();
                assertThat(scenario.image().origin()).as(decision::toString).isEqualTo(Origin.PRIVATE);
                assertThat(scenario.image().licenseType()).as(decision::toString)
                        .isNotEqualTo(LicenseType.LICENSE_SWITCH);
            }
        });

        assertThat(allowed.get()).as("allowed downloads seen").isPositive();
    }

    @Test
    void isoNeverLicenseSwitched() {
        Gen<LicenseType> providerForms =
                Generate.pick(List.of(LicenseType.LICENSE_SWITCH, LicenseType.PROVIDER_LICENSE_CONTINUED_USE));

        qt().withExamples(EXAMPLES).forAll(scenarios, providerForms).checkAssert((scenario, license) -> {
            RegisterRequest random = scenario.registerRequest();
            RegisterRequest iso = new RegisterRequest(Plan.ISO, random.format(), random.name(), random.tags(),
                    random.minDiskGb(), random.minMemoryMb(), random.deletionProtected(), license, random.origin(),
                    random.os(), random.officialTemplate(), random.declaredSizeBytes());
            PolicyEngine engine = scenario.engine();

            Decision registered = engine.register(scenario.caller(), scenario.owner(), iso, scenario.usage());
            Decision captured = engine.capture(scenario.caller(), scenario.owner(), scenario.captureSource(), iso,
                    scenario.usage());

            assertThat(registered.codes()).as(registered::toString).contains(ReasonCode.LICENSE_NOT_FOR_ISO);
            assertThat(captured.codes()).as(captured::toString).contains(ReasonCode.LICENSE_NOT_FOR_ISO);
        });
    }
}
