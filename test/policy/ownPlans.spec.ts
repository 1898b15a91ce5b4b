// Our own plans first: the pack, in strict mode, over the plan of every shipped stack (stacks/Pulumi.*.yaml) and
// of every stack the end-to-end testbed deploys (the local stack, and the upgrade steps e2e/specs/upgrade.ts and
// e2e/specs/upgradeReleases.ts run `pulumi up` on), each planned by the offline engine the CLI uses
// (`nativemesh preview --strict --json`).
// Each must come out clean: no violation at all, so no "cannot tell" either.

import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { runPreview } from "../../cli/preview";
import { shippedStacks } from "../../cli/stackFile";
import { DEPLOYED_UPGRADE_STEPS } from "../../e2e/specs/upgrade";
import { DEPLOYED_RELEASE_STEPS } from "../../e2e/specs/upgradeReleases";
import { shippedStackArgs, withStandInCharts } from "../support/standInCharts";
import { tempDir } from "../support/tempDir";

interface PreviewJson {
    violations: Array<{ policy: string; enforcementLevel: string; message: string }>;
    resources: Array<{ type: string }>;
}

async function strictPreview(argv: string[]): Promise<{ code: number; json: PreviewJson; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await runPreview([...argv, "--strict", "--json"], {
        stdout: { write: (chunk: string) => (stdout += chunk) },
        stderr: { write: (chunk: string) => (stderr += chunk) },
    });
    return { code, json: JSON.parse(stdout) as PreviewJson, stderr };
}

const violations = (json: PreviewJson): string[] =>
    json.violations.map((v) => `[${v.enforcementLevel}] ${v.policy}: ${v.message}`);

describe("the pack in strict mode over our own plans", () => {
    const stacks = shippedStacks();

    it("ships the stacks this spec expects to read (a new one is read too)", () => {
        for (const stack of ["ack-asm", "ack-istio", "dev", "gke-asm", "gke-prod", "local"])
            assert.ok(stacks.includes(stack), stack);
    });

    for (const stack of stacks) {
        it(`shipped stack ${stack}: exit 0, no violation, no cannot-tell`, async () => {
            const { code, json } = await strictPreview(shippedStackArgs(stack));
            assert.deepEqual(violations(json), []);
            assert.equal(code, 0);
        });
    }

    for (const [step, document] of Object.entries(DEPLOYED_UPGRADE_STEPS)) {
        it(`e2e upgrade step ${step} (the local stack with two revisions): exit 0, no violation`, async () => {
            // Named Pulumi.local.yaml: the stack the e2e deploys it as.
            const file = path.join(tempDir("own-plans"), "Pulumi.local.yaml");
            fs.writeFileSync(file, stringify(withStandInCharts(document())));
            const { code, json } = await strictPreview(["--config", file]);
            assert.deepEqual(violations(json), []);
            assert.equal(code, 0);
        });
    }

    for (const [step, document] of Object.entries(DEPLOYED_RELEASE_STEPS)) {
        it(`e2e two-release upgrade step ${step} (revisions of two Istio releases, each on its own charts): exit 0, no violation`, async () => {
            const file = path.join(tempDir("own-plans"), "Pulumi.local.yaml");
            fs.writeFileSync(file, stringify(withStandInCharts(document())));
            const { code, json } = await strictPreview(["--config", file]);
            assert.deepEqual(violations(json), []);
            assert.equal(code, 0);
        });
    }

    it("gke-asm's asmcli Command is read, not skipped: its overlay turns native sidecars on (nativeSidecars: false is refused)", async () => {
        const document = parse(
            fs.readFileSync(path.join(__dirname, "..", "..", "stacks", "Pulumi.gke-asm.yaml"), "utf8"),
        ) as {
            config: Record<string, Record<string, unknown>>;
        };
        document.config["nativemesh:mesh"].nativeSidecars = false;
        const file = path.join(tempDir("own-plans"), "Pulumi.gke-asm.yaml");
        fs.writeFileSync(file, stringify(document));
        const { code, json } = await strictPreview(["--config", file]);
        assert.equal(code, 1);
        const refusals = json.violations.filter(
            (v) => v.policy === "native-sidecars-enabled" && v.enforcementLevel === "mandatory",
        );
        assert.ok(
            refusals.some((v) => /asmcli/.test(v.message) && !/cannot tell/.test(v.message)),
            violations(json).join("\n"),
        );
    });
});
