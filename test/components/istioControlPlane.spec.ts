/**
 * IstioControlPlane's revision tags keep a secret istiod value secret (components/istioControlPlane.ts). The tag
 * objects are rendered from the istiod chart with its values (the Chart's render is a JSON request, so a secret
 * value comes back plain); a secret leaf the tag templates render (`istiodRemote.injectionURL`) must be secret in
 * what is registered, hence in state and plans. Recorded by the offline engine under the SDK's mocks.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { planStack, type PlannedResource } from "../../cli/engine";
import { tempDir } from "../support/tempDir";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const isSecret = (v: unknown) => (v as Record<string, unknown> | undefined)?.[SIG] === SECRET_SIG;
const INJECTION_URL = "https://istiod.example.com:15017/inject/cluster/c1/net/n1?token=ZQX-tag-secret";

/** A Helm stack with a revision tag whose istiod values point injection at a URL, the URL secret or not. */
async function plan(secret: boolean, revealSecrets = false): Promise<PlannedResource[]> {
    const mesh = (url: unknown) => ({
        method: "helm",
        version: "1.28.1",
        revisionTags: ["prod-stable"],
        istiodValues: { istiodRemote: { injectionURL: url } },
    });
    const common = {
        "nativemesh:cloud": "existing",
        "nativemesh:existing": { kubeconfig: "apiVersion: v1\nkind: Config\n" },
        "nativemesh:canary": { enabled: false },
    };
    // The stack file as `pulumi config set --secret --path nativemesh:mesh.istiodValues.istiodRemote.injectionURL`
    // writes it; the program is given the decrypted value and told the key holds a secret.
    const file = path.join(tempDir("tags"), `Pulumi.tags-${secret}.yaml`);
    const fileMesh = mesh(secret ? { secure: "v1:abc" } : INJECTION_URL);
    fs.writeFileSync(file, stringify({ config: { ...common, "nativemesh:mesh": fileMesh } }));
    const config = { ...common, "nativemesh:mesh": mesh(INJECTION_URL) };
    const secretKeys = secret ? ["nativemesh:mesh"] : [];
    return (await planStack("tags", config, { secretKeys, configFile: file, revealSecrets })).resources;
}

const tagObject = (resources: PlannedResource[], kind: string) =>
    resources.find((r) => r.type.endsWith(`:${kind}`) && r.urn.includes("tag-prod-stable"));

describe("IstioControlPlane: a secret istiod value stays secret in the revision tag's objects", () => {
    it("the tag webhook's webhooks (which carry the injection URL) are registered secret; names and labels stay readable", async () => {
        const resources = await plan(true);
        const webhook = tagObject(resources, "MutatingWebhookConfiguration");
        assert.ok(webhook !== undefined, resources.map((r) => r.urn).join("\n"));
        assert.ok(isSecret(webhook.inputs.webhooks), JSON.stringify(webhook.inputs.webhooks));
        assert.ok(!JSON.stringify(resources).includes("ZQX-tag-secret"), "the URL is in plaintext somewhere");
        const metadata = webhook.inputs.metadata as { name: string; labels: Record<string, string> };
        assert.equal(metadata.name, "istio-revision-tag-prod-stable");
        assert.equal(metadata.labels["istio.io/tag"], "prod-stable");
        assert.equal(metadata.labels["istio.io/rev"], "1-28-1");
        const service = tagObject(resources, "Service");
        assert.ok(service !== undefined && isSecret(service.inputs.spec));
    });

    it("the secret holds the rendered URL (so the check above is not vacuous)", async () => {
        const webhook = tagObject(await plan(true, true), "MutatingWebhookConfiguration");
        assert.ok(JSON.stringify(webhook?.inputs.webhooks).includes(INJECTION_URL));
    });

    it("without a secret the tag objects stay plain (the policy pack and plans read them)", async () => {
        const webhook = tagObject(await plan(false), "MutatingWebhookConfiguration");
        assert.ok(webhook !== undefined && Array.isArray(webhook.inputs.webhooks));
        const annotations = (webhook.inputs.metadata as { annotations: Record<string, string> }).annotations;
        assert.equal(annotations["pulumi.com/skipAwait"], "true");
    });
});
