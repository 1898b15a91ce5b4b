// What `preview --out` writes for the revision tags (cli/tagOutline.ts, cli/planOutput.ts): outlines, apart from
// the objects meant for kubectl apply, each saying what it lacks and how to print the real objects; checked
// against the istiod chart's own templates/revision-tags-mwc.yaml.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { planFiles } from "../../cli/planOutput";
import { runPreview } from "../../cli/preview";
import { renderTagObjects } from "../../cli/offlineTagTemplate";
import { helmTemplateCommand, OUTLINE_DIR } from "../../cli/tagOutline";
import { planShipped } from "../support/plan";
import { istioSource } from "../support/istioSource";
import { tempDir } from "../support/tempDir";

describe("preview --out: the revision tags' objects are outlines, never among the files to apply", () => {
    it("writes no tag object under k8s/, and each under outline/ headed DO NOT APPLY with its helm template", async () => {
        const files = planFiles((await planShipped("dev")).resources);
        const names = [...files.keys()];
        const underK8s = names.filter((n) => n.startsWith("k8s/")).map((n) => parse(files.get(n)!) as { kind: string });
        assert.ok(underK8s.length > 0);
        assert.ok(!underK8s.some((o) => o.kind === "MutatingWebhookConfiguration"), names.join(" "));
        assert.ok(!names.some((n) => n.startsWith("k8s/") && n.includes("revision-tag")), names.join(" "));

        const outlines = names.filter((n) => n.startsWith(`${OUTLINE_DIR}/`)).sort();
        assert.deepEqual(outlines, [
            "outline/mutatingwebhookconfiguration-istio-revision-tag-default.outline.yaml",
            "outline/mutatingwebhookconfiguration-istio-revision-tag-prod-stable.outline.yaml",
            "outline/service-istio-system-istiod-revision-tag-default.outline.yaml",
            "outline/service-istio-system-istiod-revision-tag-prod-stable.outline.yaml",
        ]);
        const text = files.get("outline/mutatingwebhookconfiguration-istio-revision-tag-prod-stable.outline.yaml")!;
        const header = text.split("\n").filter((l) => l.startsWith("#"));
        assert.match(header[0], /^# OUTLINE, DO NOT APPLY\./);
        assert.match(header.join(" "), /rules, +namespaceSelector, +# objectSelector, reinvocationPolicy/);
        assert.equal(
            header[header.length - 1],
            "#   helm template istiod istiod --repo https://istio-release.storage.googleapis.com/charts --version 1.28.1 " +
                "-n istio-system -f helm/nativemesh-istio-tag-prod-stable-values.yaml " +
                "-s templates/revision-tags-mwc.yaml -s templates/revision-tags-svc.yaml",
        );
        // The values that command reads are written, with the tag the chart renders.
        const values = parse(files.get("helm/nativemesh-istio-tag-prod-stable-values.yaml")!) as Record<
            string,
            unknown
        >;
        assert.deepEqual(values.revisionTags, ["prod-stable"]);
        assert.equal(values.revision, "1-28-1");
        // The object itself is still the stand-in's (what the plan and the pack read).
        assert.equal((parse(text) as { metadata: { name: string } }).metadata.name, "istio-revision-tag-prod-stable");
    });

    it("names the chart as the Chart resource does: a local folder, or an OCI chart with no repository", () => {
        assert.equal(
            helmTemplateCommand({ path: "/charts/istiod", namespace: "mesh" }, "helm/t-values.yaml"),
            "helm template istiod /charts/istiod -n mesh -f helm/t-values.yaml -s templates/revision-tags-mwc.yaml -s templates/revision-tags-svc.yaml",
        );
        assert.equal(
            helmTemplateCommand({ chart: "oci://r.example/istio/istiod", version: "1.30.3" }, "v.yaml"),
            "helm template istiod oci://r.example/istio/istiod --version 1.30.3 -f v.yaml -s templates/revision-tags-mwc.yaml -s templates/revision-tags-svc.yaml",
        );
    });

    it("says so in the plan output, with the folder", async () => {
        const dir = path.join(tempDir("outline"), "out");
        let stderr = "";
        const code = await runPreview(["--out", dir], {
            stdout: { write: () => true },
            stderr: { write: (t: string) => (stderr += t) },
        });
        assert.equal(code, 0, stderr);
        assert.match(
            stderr,
            new RegExp(
                `\\n4 of them, under ${path.join(dir, "outline").replace(/[/.]/g, "\\$&")}, are outlines of the revision-tag objects \\(no Helm offline: their webhooks lack rules and selectors\\): do not apply them; each names the helm template command that prints the real ones\\n`,
            ),
        );
        assert.equal(fs.readdirSync(path.join(dir, "outline")).length, 4);
    });
});

const chart = istioSource("manifests/charts/istio-control/istio-discovery/templates");
(chart.dir ? describe : describe.skip)(
    `the stand-in against the istiod chart's templates/revision-tags-mwc.yaml${chart.skipped ? ` (${chart.skipped})` : ""}`,
    () => {
        it("the chart renders rules, namespaceSelector, objectSelector and reinvocationPolicy; the stand-in none of them", () => {
            const template = fs.readFileSync(path.join(chart.dir!, "revision-tags-mwc.yaml"), "utf8");
            const [standIn] = renderTagObjects({
                chart: "istiod",
                values: { revision: "1-30-3", revisionTags: ["prod"] },
            });
            const webhooks = (standIn as { webhooks: Array<Record<string, unknown>> }).webhooks;
            for (const field of ["rules", "namespaceSelector", "objectSelector", "reinvocationPolicy"]) {
                assert.match(template, new RegExp(`^\\s*${field}:`, "m"), `the chart's template renders ${field}`);
                assert.ok(
                    webhooks.every((w) => !(field in w)),
                    `the stand-in lacks ${field}, so its files must stay outlines`,
                );
            }
        });
    },
);
