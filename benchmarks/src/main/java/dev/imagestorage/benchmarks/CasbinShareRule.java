package dev.imagestorage.benchmarks;

import dev.imagestorage.model.Image;
import dev.imagestorage.model.Tenant;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.casbin.jcasbin.main.Enforcer;
import org.casbin.jcasbin.model.Model;
import org.casbin.jcasbin.persist.file_adapter.FileAdapter;

/**
 * The share rule of the policy engine written as a jCasbin ABAC model, the baseline that the engine's share
 * decisions are measured against.
 *
 * <p>The model allows the caller's tenant to share an image with a member tenant when the caller owns the image, the
 * image is ACTIVE, the member is not the owner and the member is in the image's region. It leaves out the rules
 * that need more state than the request carries: the standing of the owner and the member, and an existing
 * membership. Benchmarks pass active tenants and no membership, so both sides decide the same question.
 */
final class CasbinShareRule {
    /** The action name the single policy line grants. */
    static final String SHARE = "share";

    static final String MODEL = String.join("\n",
            "[request_definition]",
            "r = sub, obj, member, act",
            "",
            "[policy_definition]",
            "p = act",
            "",
            "[policy_effect]",
            "e = some(where (p.eft == allow))",
            "",
            "[matchers]",
            "m = r.act == p.act && r.sub.tenant == r.obj.owner && r.obj.status == \"ACTIVE\""
                    + " && r.member.tenant != r.obj.owner && r.member.region == r.obj.region",
            "");

    static final String POLICY = "p, " + SHARE + "\n";

    private final Enforcer enforcer;

    CasbinShareRule() {
        Model model = new Model();
        model.loadModelFromText(MODEL);
        FileAdapter policy = new FileAdapter(new ByteArrayInputStream(POLICY.getBytes(StandardCharsets.UTF_8)));
        // With logging on, jCasbin 1.99.0 logs the model and every request at INFO level, so the benchmark would
        // measure the logger instead of the rule.
        enforcer = new Enforcer(model, policy, false);
    }

    /** Returns whether jCasbin allows {@code subject} to share {@code image} with {@code member}. */
    boolean allows(TenantAttributes subject, ImageAttributes image, TenantAttributes member) {
        return enforcer.enforce(subject, image, member, SHARE);
    }

    /**
     * The attributes of a tenant that the matcher reads. jCasbin 1.99.0 evaluates matchers with Aviator 5.9.0,
     * which finds properties through getters and fails with "Could not find variable" on a record's accessors. The
     * benchmarks therefore copy the attributes into this class once, before measuring.
     */
    public static final class TenantAttributes {
        private final String tenant;
        private final String region;

        TenantAttributes(Tenant tenant) {
            this.tenant = tenant.id().value();
            this.region = tenant.region().value();
        }

        public String getTenant() {
            return tenant;
        }

        public String getRegion() {
            return region;
        }
    }

    /** The attributes of an image that the matcher reads. */
    public static final class ImageAttributes {
        private final String owner;
        private final String region;
        private final String status;

        ImageAttributes(Image image) {
            this.owner = image.owner().value();
            this.region = image.region().value();
            this.status = image.status().name();
        }

        public String getOwner() {
            return owner;
        }

        public String getRegion() {
            return region;
        }

        public String getStatus() {
            return status;
        }
    }
}
