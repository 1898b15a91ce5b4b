/** `pulumi up` of the local stack under the real engine, with the policy pack, then nothing left to do. */
import { pulumi, pulumiOk } from "../lib/pulumi";
import { expect, LOCAL, Spec } from "../lib/spec";

export const firstUp: Spec = {
    name: "first up: `pulumi up --yes --policy-pack policy` of the local stack succeeds",
    async run(ctx) {
        await pulumiOk(["stack", "select", LOCAL.stack, "--create"]);
        const res = await pulumiOk(["up", "--yes", "--policy-pack", "policy", "--stack", LOCAL.stack]);
        ctx.facts.upFinishedAt = Date.now();
        // The engine lists the packs it ran under "Policies:", with a check mark when nothing mandatory fired.
        const policies = res.stdout.split("Policies:")[1] ?? "";
        expect(/nativemesh@v[\d.]+ \(local: policy\)/.test(policies), `the policy pack did not run:\n${policies}`);
        expect(!/mandatory/i.test(policies), `a mandatory policy fired:\n${policies}`);
    },
};

export const idempotent: Spec = {
    name: "a second `pulumi up` changes nothing, and `pulumi preview --diff` shows nothing to do",
    async run() {
        const up = await pulumi(["up", "--yes", "--expect-no-changes", "--stack", LOCAL.stack]);
        expect(up.code === 0, `second pulumi up changed something or failed:\n${tail(up.stdout + up.stderr)}`);
        const preview = await pulumi(["preview", "--diff", "--expect-no-changes", "--stack", LOCAL.stack]);
        expect(
            preview.code === 0,
            `pulumi preview --diff has something to do:\n${tail(preview.stdout + preview.stderr)}`,
        );
    },
};

export function tail(text: string, lines = 40): string {
    return text.trim().split("\n").slice(-lines).join("\n");
}
