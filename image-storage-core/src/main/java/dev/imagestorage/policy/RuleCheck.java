package dev.imagestorage.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** One rule a decision evaluated, its verdict, and the reasons it gave when it did not pass. */
public record RuleCheck(Rule rule, Verdict verdict, List<Reason> reasons) {
    public RuleCheck {
        requireNonNull(rule, "rule");
        requireNonNull(verdict, "verdict");
        reasons = List.copyOf(reasons);
    }
}
