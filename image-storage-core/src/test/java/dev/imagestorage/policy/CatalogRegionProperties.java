package dev.imagestorage.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.imagestorage.catalog.Catalog;
import dev.imagestorage.model.RegionId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/**
 * Adding a region to the catalog changes no decision about the regions it had: for requests whose tenants all live
 * in the original regions, every outcome and reason code stays the same. Messages may differ, because some list the
 * catalog's regions.
 */
class CatalogRegionProperties {
    private static final int EXAMPLES = 1000;
    private static final RegionId US1 = RegionId.of("US1");

    private final Gen<PolicyScenario> scenarios = PolicyScenario.scenarios(PolicyGenerators.catalogs());

    /** Region ids of two capital letters and a digit, such as EU1 or QX7. */
    private static Gen<RegionId> newRegions() {
        Gen<String> letters = SourceDSL.strings().betweenCodePoints('A', 'Z').ofLength(2);
        Gen<Integer> digits = SourceDSL.integers().between(0, 9);
        return letters.zip(digits, (prefix, digit) -> RegionId.of(prefix + digit));
    }

    /** Reduces each decision to what must not change: its outcome and its reason codes. */
    private static Map<String, List<Object>> outcomesAndCodes(Map<String, Decision> decisions) {
        Map<String, List<Object>> summary = new LinkedHashMap<>();
        decisions.forEach((operation, decision) -> summary.put(operation,
                List.of(decision.outcome(), decision.codes())));
        return summary;
    }

    private static Map<String, List<Object>> decide(PolicyScenario scenario, Catalog catalog) {
        return outcomesAndCodes(scenario.decideAll(PolicyScenario.engine(catalog)));
    }

    @Test
    void addedRegionChangesNoDecision() {
        qt().withExamples(EXAMPLES)
                .forAll(scenarios, newRegions())
                .assuming((scenario, region) -> !scenario.catalog().hasRegion(region))
                .checkAssert((scenario, region) -> {
                    for (var tenant : scenario.world()) {
                        assertThat(scenario.catalog().hasRegion(tenant.region())).isTrue();
                    }
                    Map<String, List<Object>> before = decide(scenario, scenario.catalog());

                    Map<String, List<Object>> withUs1 = decide(scenario, scenario.catalog().withRegion(US1));
                    Map<String, List<Object>> withRandom = decide(scenario, scenario.catalog().withRegion(region));

                    assertThat(withUs1).as("with US1 added").isEqualTo(before);
                    assertThat(withRandom).as("with " + region + " added").isEqualTo(before);
                });
    }
}
