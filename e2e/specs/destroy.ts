/** `pulumi destroy` removes everything the local stack made, from the state and from the cluster. */
import { kubectl, kubectlJson } from "../lib/kubectl";
import { waitFor } from "../lib/cluster";
import { pulumiOk } from "../lib/pulumi";
import { expect, LOCAL, Spec } from "../lib/spec";

export const destroy: Spec = {
    name: "destroy: `pulumi destroy` removes everything the stack made",
    async run() {
        await pulumiOk(["destroy", "--yes", "--stack", LOCAL.stack]);
        const exported = JSON.parse((await pulumiOk(["stack", "export", "--stack", LOCAL.stack])).stdout) as {
            deployment: { resources?: unknown[] };
        };
        expect((exported.deployment.resources ?? []).length === 0, "the state still holds resources");
        const releases = kubectlJson(["get", "secrets", "-A", "-l", "owner=helm"]) as { items: unknown[] };
        expect(releases.items.length === 0, `${releases.items.length} Helm release records remain`);
        expect(kubectl(["get", "crd", "settings.formance.com"]).status !== 0, "the Formance CRD remains");
        expect(
            kubectl([
                "get",
                "mutatingwebhookconfigurations",
                "-l",
                `istio.io/rev=${LOCAL.revision}`,
                "-o",
                "name",
            ]).stdout.trim() === "",
            "injection webhooks remain",
        );
        for (const ns of [LOCAL.revisionNamespace, LOCAL.tagNamespace, LOCAL.canaryNamespace]) {
            await waitFor(`namespace ${ns} to go`, async () => kubectl(["get", "namespace", ns]).status !== 0, 120_000);
        }
    },
};
