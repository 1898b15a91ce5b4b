// The offline stand-in for Helm's render of the istiod chart's tag templates, and the filter that keeps only the
// tag objects of a real render. (npm run e2e compares the stand-in with the real render.)
import * as assert from "node:assert/strict";
import { offlineHelmTemplate, renderTagObjects } from "../../cli/offlineTagTemplate";

type Obj = { kind: string; metadata: { name: string; namespace?: string; labels: Record<string, string> } } & Record<
    string,
    unknown
>;

describe("offline stand-in for the istiod chart's revision-tag templates", () => {
    it("renders one webhook configuration and one Service per tag, labelled with the tag and its revision", () => {
        const objs = renderTagObjects({
            chart: "istiod",
            namespace: "istio-system",
            values: { revision: "1-31-0", revisionTags: ["prod", "canary"] },
        }) as Obj[];
        assert.deepEqual(
            objs.map((o) => [
                o.kind,
                o.metadata.name,
                o.metadata.labels["istio.io/tag"],
                o.metadata.labels["istio.io/rev"],
            ]),
            [
                ["MutatingWebhookConfiguration", "istio-revision-tag-prod", "prod", "1-31-0"],
                ["Service", "istiod-revision-tag-prod", "prod", "1-31-0"],
                ["MutatingWebhookConfiguration", "istio-revision-tag-canary", "canary", "1-31-0"],
                ["Service", "istiod-revision-tag-canary", "canary", "1-31-0"],
            ],
        );
        const hook = objs[0] as Obj & { webhooks: Array<{ name: string; clientConfig: unknown }> };
        assert.deepEqual(
            hook.webhooks.map((w) => w.name),
            ["rev.namespace.sidecar-injector.istio.io", "rev.object.sidecar-injector.istio.io"],
        );
        assert.deepEqual(hook.webhooks[0].clientConfig, {
            service: { name: "istiod-1-31-0", namespace: "istio-system", path: "/inject", port: 443 },
        });
        assert.deepEqual((objs[1] as Obj & { spec: { selector: unknown } }).spec.selector, {
            app: "istiod",
            "istio.io/rev": "1-31-0",
        });
    });

    it("adds the default selectors for the default tag, names by namespace outside istio-system, and uses a URL when given", () => {
        const [hook] = renderTagObjects({
            path: "/charts/istiod",
            namespace: "mesh",
            values: {
                revision: "1-31-0",
                revisionTags: ["default"],
                istiodRemote: { injectionURL: "https://x/inject" },
            },
        }) as Array<Obj & { webhooks: Array<{ name: string; clientConfig: unknown }> }>;
        assert.equal(hook.metadata.name, "istio-revision-tag-default-mesh");
        assert.deepEqual(
            hook.webhooks.map((w) => w.name),
            [
                "rev.namespace.sidecar-injector.istio.io",
                "rev.object.sidecar-injector.istio.io",
                "namespace.sidecar-injector.istio.io",
                "object.sidecar-injector.istio.io",
            ],
        );
        assert.deepEqual(hook.webhooks[0].clientConfig, { url: "https://x/inject" });
    });

    it("renders nothing for another chart, and answers the invoke as the provider does", () => {
        assert.deepEqual(renderTagObjects({ chart: "base", values: { revisionTags: ["prod"] } }), []);
        const answer = offlineHelmTemplate({
            jsonOpts: JSON.stringify({
                chart: "istiod",
                namespace: "istio-system",
                values: { revision: "r", revisionTags: ["t"] },
            }),
        });
        assert.equal((answer.result as unknown[]).length, 2);
    });
});
