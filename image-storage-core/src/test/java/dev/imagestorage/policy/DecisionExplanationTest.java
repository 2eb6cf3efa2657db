package dev.imagestorage.policy;

import static dev.imagestorage.policy.PolicyFixtures.A_JP1;
import static dev.imagestorage.policy.PolicyFixtures.B_JP1;
import static dev.imagestorage.policy.PolicyFixtures.B_JP2;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagestorage.catalog.Limits;
import dev.imagestorage.model.Caller;
import dev.imagestorage.model.CopyRequest;
import dev.imagestorage.model.DiskFormat;
import dev.imagestorage.model.Image;
import dev.imagestorage.model.LicenseType;
import dev.imagestorage.model.Origin;
import dev.imagestorage.model.Plan;
import dev.imagestorage.model.RegisterRequest;
import dev.imagestorage.model.Tenant;
import dev.imagestorage.model.TenantUsage;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How a decision explains itself: the rules it evaluated with their verdicts, and its text. */
class DecisionExplanationTest {
    private static final String NEWLINE = System.lineSeparator();

    private final PolicyEngine engine = new PolicyEngine(PolicyFixtures.catalog());
    private final Caller owner = Caller.of(A_JP1.id());
    private final Image template = ImageBuilder.template(A_JP1).build();

    private Decision share(Tenant member) {
        return engine.addMember(owner, template, A_JP1, member, Optional.empty());
    }

    private static List<Rule> rules(Decision decision) {
        return decision.checks().stream().map(RuleCheck::rule).toList();
    }

    private static Verdict verdictOf(Decision decision, Rule rule) {
        return decision.checks().stream().filter(c -> c.rule() == rule).findFirst().orElseThrow().verdict();
    }

    /** Decisions of several operations, allowed, warned and denied, for the checks that hold for every decision. */
    private List<Decision> sampleDecisions() {
        Image continuedUse = ImageBuilder.template(A_JP1).licenseType(LicenseType.PROVIDER_LICENSE_CONTINUED_USE)
                .build();
        Image bigOfficial = ImageBuilder.template(A_JP1).origin(Origin.OFFICIAL).sizeBytes(301 * Limits.GB).build();
        return List.of(
                share(B_JP1),
                share(B_JP2),
                share(A_JP1),
                engine.download(owner, A_JP1, continuedUse, A_JP1, Optional.empty()),
                engine.download(owner, A_JP1, bigOfficial, A_JP1, Optional.empty()),
                engine.copy(owner, bigOfficial, A_JP1, B_JP2, CopyRequest.of(bigOfficial.id(), B_JP2.id()),
                        TenantUsage.empty(B_JP2.id())),
                engine.delete(owner, ImageBuilder.template(A_JP1).deletionProtected(true).build()),
                engine.register(owner, A_JP1, RegisterRequest.of(Plan.ISO, DiskFormat.RAW,
                        " ".repeat(300)).licenseType(LicenseType.LICENSE_SWITCH).build(),
                        new TenantUsage(A_JP1.id(), 0, 256)));
    }

    @Test
    void allowedShareListsEveryRulePassed() {
        Decision decision = share(B_JP1);

        assertThat(rules(decision)).containsExactly(Rule.CALLER_STANDING, Rule.DESTINATION_STANDING, Rule.OWNER_ONLY,
                Rule.IMAGE_STATUS, Rule.SHARE_NOT_SELF, Rule.SHARE_SAME_REGION, Rule.SHARE_NEW_MEMBER);
        assertThat(decision.checks()).extracting(RuleCheck::verdict).containsOnly(Verdict.PASSED);
        assertThat(decision.passedRules()).isEqualTo(rules(decision));
    }

    @Test
    void deniedShareMarksFailedRule() {
        Decision decision = share(B_JP2);

        assertThat(verdictOf(decision, Rule.SHARE_SAME_REGION)).isEqualTo(Verdict.FAILED);
        RuleCheck failed = decision.checks().stream().filter(c -> c.verdict() == Verdict.FAILED).findFirst()
                .orElseThrow();
        assertThat(failed.reasons()).extracting(Reason::code).containsExactly(ReasonCode.SHARE_ACROSS_REGIONS);
        assertThat(decision.passedRules()).containsExactly(Rule.CALLER_STANDING, Rule.DESTINATION_STANDING,
                Rule.OWNER_ONLY, Rule.IMAGE_STATUS, Rule.SHARE_NOT_SELF, Rule.SHARE_NEW_MEMBER);
    }

    @Test
    void warningMarksRuleWarned() {
        Image continuedUse = ImageBuilder.template(A_JP1).licenseType(LicenseType.PROVIDER_LICENSE_CONTINUED_USE)
                .build();

        Decision decision = engine.download(owner, A_JP1, continuedUse, A_JP1, Optional.empty());

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED_WITH_WARNINGS);
        assertThat(verdictOf(decision, Rule.DOWNLOAD_LICENSE)).isEqualTo(Verdict.WARNED);
        assertThat(decision.passedRules()).doesNotContain(Rule.DOWNLOAD_LICENSE).contains(Rule.DOWNLOAD_ORIGIN);
    }

    @Test
    void everyCheckAgreesWithItsReasons() {
        for (Decision decision : sampleDecisions()) {
            Set<Rule> evaluated = new HashSet<>(rules(decision));
            for (Reason reason : decision.reasons()) {
                assertThat(evaluated).as(decision.toString()).contains(reason.code().rule());
            }
            for (RuleCheck check : decision.checks()) {
                for (Reason reason : check.reasons()) {
                    assertThat(reason.code().rule()).as(check.toString()).isEqualTo(check.rule());
                }
                boolean denies = check.reasons().stream().anyMatch(r -> r.severity() == Severity.DENY);
                Verdict expected = denies ? Verdict.FAILED
                        : check.reasons().isEmpty() ? Verdict.PASSED
                        : Verdict.WARNED;
                assertThat(check.verdict()).as(decision + NEWLINE + check).isEqualTo(expected);
            }
        }
    }

    @Test
    void everyDenialHasReason() {
        for (Decision decision : sampleDecisions()) {
            if (decision.isDenied()) {
                assertThat(decision.denials()).as(decision.toString()).isNotEmpty();
            } else {
                assertThat(decision.denials()).as(decision.toString()).isEmpty();
            }
        }
    }

    @Test
    void deniedTextReadsAsExplanation() {
        Decision decision = share(B_JP2);

        String[] lines = decision.toString().split(NEWLINE);

        assertThat(lines).hasSize(3);
        assertThat(lines[0]).isEqualTo("denied: share image " + template.id() + " of tenant a-jp1 with tenant b-jp2");
        assertThat(lines[1]).startsWith("  - denied [share.cross-region] tenant b-jp2 is in region JP2 but the image"
                + " is in region JP1");
        assertThat(lines[2]).isEqualTo("  passed: caller-standing, destination-standing, owner-only, image-status,"
                + " share-not-self, share-new-member");
    }

    @Test
    void warnedTextListsWarning() {
        Image continuedUse = ImageBuilder.template(A_JP1).licenseType(LicenseType.PROVIDER_LICENSE_CONTINUED_USE)
                .build();

        String[] lines = engine.download(owner, A_JP1, continuedUse, A_JP1, Optional.empty()).toString()
                .split(NEWLINE);

        assertThat(lines).hasSize(3);
        assertThat(lines[0]).isEqualTo("allowed with warnings: download image " + continuedUse.id());
        assertThat(lines[1]).startsWith("  - warning [download.continued-use-license] image " + continuedUse.id());
        assertThat(lines[2]).startsWith("  passed: ").contains("download-origin").doesNotContain("download-license");
    }

    @Test
    void allowedTextListsPassedRules() {
        Decision decision = engine.delete(owner, template);

        assertThat(decision.toString()).isEqualTo("allowed: delete image " + template.id() + NEWLINE
                + "  passed: owner-only, delete-protection");
    }

    @Test
    void oneLinePerReasonInEvaluationOrder() {
        Image bigOfficial = ImageBuilder.template(A_JP1).origin(Origin.OFFICIAL).sizeBytes(301 * Limits.GB).build();

        Decision decision = engine.copy(owner, bigOfficial, A_JP1, B_JP2, CopyRequest.of(bigOfficial.id(),
                B_JP2.id()), TenantUsage.empty(B_JP2.id()));
        String[] lines = decision.toString().split(NEWLINE);

        assertThat(decision.codes()).containsExactly(ReasonCode.COPY_OFFICIAL, ReasonCode.COPY_ACROSS_CONTRACTS,
                ReasonCode.COPY_NO_ACCESS_AUTHORITY, ReasonCode.LIMIT_COPY_SIZE,
                ReasonCode.COPY_TRANSFER_NOT_ACKNOWLEDGED);
        assertThat(lines[0]).startsWith("denied: copy image " + bigOfficial.id());
        for (int i = 0; i < decision.reasons().size(); i++) {
            assertThat(lines[i + 1]).isEqualTo("  - " + decision.reasons().get(i));
            assertThat(lines[i + 1]).contains("[" + decision.codes().get(i).code() + "]");
        }
        assertThat(lines[lines.length - 1]).startsWith("  passed: ");
    }

    @Test
    void externalDecisionEvaluatesReasonRules() {
        Decision decision = Decision.of(Operation.UPLOAD, "upload data to image x", List.of(
                Reason.warn(ReasonCode.DOWNLOAD_CONTINUED_USE_LICENSE, "continued use"),
                Reason.deny(ReasonCode.DOWNLOAD_LICENSE_SWITCH, "switched"),
                Reason.deny(ReasonCode.FORMAT_MISMATCH, "not qcow2")));

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.DENIED);
        assertThat(rules(decision)).containsExactly(Rule.DOWNLOAD_LICENSE, Rule.UPLOAD_CONTENT);
        assertThat(verdictOf(decision, Rule.DOWNLOAD_LICENSE)).as("a denial outweighs an earlier warning")
                .isEqualTo(Verdict.FAILED);
        assertThat(decision.passedRules()).isEmpty();
        assertThat(decision.toString()).doesNotContain("passed:");
    }

    @Test
    void decisionWithoutReasonsAllowed() {
        Decision decision = Decision.of(Operation.DELETE, "delete image x", List.of());

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        assertThat(decision.toString()).isEqualTo("allowed: delete image x");
    }

    @Test
    void reasonCodesAndRuleIdsUnique() {
        List<String> codes = Arrays.stream(ReasonCode.values()).map(ReasonCode::code).toList();
        List<String> ids = Arrays.stream(Rule.values()).map(Rule::id).toList();

        assertThat(codes).doesNotHaveDuplicates();
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(Rule.values()).allSatisfy(rule -> assertThat(rule.description()).isNotBlank());
    }
}
