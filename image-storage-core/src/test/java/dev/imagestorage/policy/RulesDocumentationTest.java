package dev.imagestorage.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The integrators' reference lists every reason code and every rule id the engine can give. */
class RulesDocumentationTest {
    private static final Path RULES = Path.of("..", "docs", "rules.md");

    private static String rules() throws IOException {
        return Files.readString(RULES);
    }

    @ParameterizedTest
    @EnumSource(ReasonCode.class)
    void reasonCodeDocumented(ReasonCode code) throws IOException {
        assertThat(rules()).as("docs/rules.md lists reason code " + code.code()).contains("`" + code.code() + "`");
    }

    @ParameterizedTest
    @EnumSource(Rule.class)
    void ruleDocumented(Rule rule) throws IOException {
        assertThat(rules()).as("docs/rules.md lists rule " + rule.id()).contains("| `" + rule.id() + "` |");
    }
}
