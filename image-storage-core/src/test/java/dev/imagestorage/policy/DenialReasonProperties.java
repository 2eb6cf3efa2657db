package dev.imagestorage.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Every decision of every operation explains itself: a denial carries a reason, and each reason a checked rule. */
class DenialReasonProperties {
    private static final int EXAMPLES = 2000;

    private final Gen<PolicyScenario> scenarios = PolicyScenario.scenarios(PolicyGenerators.catalogs());

    @Test
    void everyDenialCarriesReason() {
        Map<String, Integer> denied = new HashMap<>();

        qt().withExamples(EXAMPLES).forAll(scenarios).checkAssert(scenario -> {
            scenario.decideAll(scenario.engine()).forEach((operation, decision) -> {
                if (decision.isDenied()) {
                    denied.merge(operation, 1, Integer::sum);
                    assertThat(decision.denials()).as(() -> operation + ": " + decision).isNotEmpty();
                } else {
                    assertThat(decision.denials()).as(() -> operation + ": " + decision).isEmpty();
                }
            });
        });

        assertThat(denied.keySet()).as("operations seen denied").containsExactlyInAnyOrder("register", "capture",
                "upload", "download", "delete", "add-member", "remove-member", "answer", "copy", "cancel-copy",
                "launch", "attach-iso", "detach-iso", "distribute");
    }

    @Test
    void everyReasonBelongsToCheckedRule() {
        qt().withExamples(EXAMPLES).forAll(scenarios).checkAssert(scenario -> {
            scenario.decideAll(scenario.engine()).forEach((operation, decision) -> {
                List<RuleCheck> checks = decision.checks();
                for (Reason reason : decision.reasons()) {
                    boolean listed = checks.stream().anyMatch(check -> check.reasons().contains(reason));
                    assertThat(listed).as(() -> operation + ": " + decision).isTrue();
                }
                for (RuleCheck check : checks) {
                    boolean denies = check.reasons().stream().anyMatch(r -> r.severity() == Severity.DENY);
                    assertThat(check.verdict() == Verdict.FAILED).as(() -> operation + ": " + check).isEqualTo(denies);
                }
            });
        });
    }
}
