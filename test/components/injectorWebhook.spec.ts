import * as assert from "node:assert/strict";
import { SidecarCanary } from "../../components/sidecarCanary";
import * as fs from "node:fs";
import {
    INJECTOR_WEBHOOK,
    injectorWebhookName,
    waitForInjectorWebhook,
    WebhookConfigSummary,
} from "../../components/injectorWebhook";
import { fakeApi } from "../support/fakeKubeApi";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { oneOfType, record } from "../support/plan";

/** A clock that only moves when the wait sleeps. */
function fakeClock() {
    let t = 0;
    return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

describe("waiting for the mesh's injector webhook (Alibaba ASM installs it after the cluster joins)", () => {
    it("returns the configuration once one carries a *sidecar-injector.istio.io webhook", async () => {
        const answers: WebhookConfigSummary[][] = [
            [],
            [{ name: "other", webhooks: ["validate.example.com"] }],
            [
                { name: "other", webhooks: ["validate.example.com"] },
                { name: "istio-sidecar-injector-1-22", webhooks: ["rev.namespace.sidecar-injector.istio.io"] },
            ],
        ];
        let calls = 0;
        const name = await waitForInjectorWebhook(async () => answers[Math.min(calls++, answers.length - 1)], {
            timeoutMs: 60_000,
            intervalMs: 5000,
            ...fakeClock(),
        });
        assert.equal(name, "istio-sidecar-injector-1-22");
        assert.equal(calls, 3);
    });

    it("takes a configuration whose injector webhook sits beside others", async () => {
        const name = await waitForInjectorWebhook(
            async () => [
                { name: "mixed", webhooks: ["validate.example.com", "rev.namespace.sidecar-injector.istio.io"] },
            ],
            { timeoutMs: 0, intervalMs: 5000, ...fakeClock() },
        );
        assert.equal(name, "mixed");
    });

    it("does not take a webhook whose name only resembles Istio's", async () => {
        await assert.rejects(
            waitForInjectorWebhook(async () => [{ name: "x", webhooks: ["sidecar-injector.istio.io.evil.com"] }], {
                timeoutMs: 10_000,
                intervalMs: 5000,
                ...fakeClock(),
            }),
            /no sidecar injector webhook/,
        );
    });

    it("gives up after the timeout, saying what is missing and the last error", async () => {
        await assert.rejects(
            waitForInjectorWebhook(
                async () => {
                    throw new Error("connection refused");
                },
                { timeoutMs: 30_000, intervalMs: 5000, ...fakeClock() },
            ),
            /within 30 s \(last error: connection refused\)/,
        );
    });

    it("makes the canary Job wait for it and record what it waited for", async () => {
        const res = await record(
            () =>
                new SidecarCanary("canary", {
                    namespace: "nativemesh-canary",
                    image: "curlimages/curl:8.11.1",
                    probeUrl: "https://kubernetes.default.svc/readyz",
                    timeoutSeconds: 60,
                    provider: new k8s.Provider("p", { kubeconfig: "k" }),
                    waitFor: pulumi.output("istio-sidecar-injector-1-22"),
                }),
        );
        const job = oneOfType(res, "kubernetes:batch/v1:Job").inputs as {
            metadata: { annotations: Record<string, string> };
        };
        assert.equal(job.metadata.annotations["nativemesh.io/waited-for"], "istio-sidecar-injector-1-22");
    });
});

describe("waitForInjectorWebhook: how it polls and what it says", () => {
    it("asks once per interval until the deadline, and only names the last error if the last attempt failed", async () => {
        const clock = fakeClock();
        const slept: number[] = [];
        let calls = 0;
        await assert.rejects(
            waitForInjectorWebhook(
                async () => {
                    calls++;
                    if (calls === 1) throw new Error("connection refused");
                    return [];
                },
                {
                    timeoutMs: 12_000,
                    intervalMs: 5000,
                    now: clock.now,
                    sleep: async (ms) => {
                        slept.push(ms);
                        await clock.sleep(ms);
                    },
                },
            ),
            {
                message:
                    "no sidecar injector webhook (*sidecar-injector.istio.io) appeared in the cluster within 12 s: the mesh has not installed its injector here",
            },
        );
        // At 0, 5 and 10 s, then once more at 15 s, past the deadline.
        assert.equal(calls, 4);
        assert.deepEqual(slept, [5000, 5000, 5000]);
    });

    it("with no time to wait, looks exactly once", async () => {
        let calls = 0;
        await assert.rejects(
            waitForInjectorWebhook(
                async () => {
                    calls++;
                    return [];
                },
                { timeoutMs: 0, intervalMs: 5000, ...fakeClock() },
            ),
            /within 0 s: /,
        );
        assert.equal(calls, 1);
    });

    const names: Array<[string, boolean]> = [
        ["sidecar-injector.istio.io", true],
        ["rev.namespace.sidecar-injector.istio.io", true],
        ["namespace.sidecar-injector.istio.io", true],
        ["xsidecar-injector.istio.io", false],
        ["sidecar-injector.istio.io.evil.com", false],
        ["sidecar-injector-istio-io", false],
    ];
    for (const [name, injector] of names) {
        it(`${name} ${injector ? "is" : "is not"} an Istio injector webhook`, () =>
            assert.equal(INJECTOR_WEBHOOK.test(name), injector));
    }
});

describe("injectorWebhookName against an API server", () => {
    let api: Awaited<ReturnType<typeof fakeApi>> | undefined;
    afterEach(() => api?.close());
    const empty = JSON.stringify({
        kind: "MutatingWebhookConfigurationList",
        apiVersion: "admissionregistration.k8s.io/v1",
        metadata: {},
        items: [],
    });
    const PATH = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations";

    /** The name injectorWebhookName resolves to in a preview (Pulumi's mocks), for a cluster answering `raw`. */
    const previewed = async (raw?: { code: number; body: string }) => {
        api = await fakeApi({
            namespaces: [],
            pods: [],
            deployments: new Map(),
            raw: raw === undefined ? undefined : new Map([[PATH, raw]]),
        });
        const kubeconfig = fs.readFileSync(api.kubeconfig, "utf8");
        let name: pulumi.Output<string> | undefined;
        await record(() => {
            name = injectorWebhookName(kubeconfig, 300);
        });
        return (name as unknown as { promise(): Promise<string> }).promise();
    };

    it("a preview names the first configuration with an injector webhook", async () => {
        assert.equal(await previewed(), "istio-revision-tag-local-stable");
        assert.ok(api?.requests.some((r) => r.path === PATH));
    });

    it("a preview says pending, without waiting, when there is none yet or the API server refuses", async () => {
        assert.equal(await previewed({ code: 200, body: empty }), "pending");
        const asked = api?.requests.filter((r) => r.path === PATH).length;
        assert.equal(asked, 1);
        api?.close();
        assert.equal(await previewed({ code: 403, body: "{}" }), "pending");
    });

    it("during an update, no injector within the time fails the update, naming what is missing", async () => {
        api = await fakeApi({
            namespaces: [],
            pods: [],
            deployments: new Map(),
            raw: new Map([[PATH, { code: 200, body: empty }]]),
        });
        const kubeconfig = fs.readFileSync(api.kubeconfig, "utf8");
        // `pulumi up`, not a preview.
        await pulumi.runtime.setMocks(
            { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: () => ({}) },
            "nativemesh",
            "up",
            false,
        );
        const name = injectorWebhookName(kubeconfig, 0) as unknown as { promise(): Promise<string> };
        await assert.rejects(name.promise(), {
            message:
                "no sidecar injector webhook (*sidecar-injector.istio.io) appeared in the cluster within 0 s: the mesh has not installed its injector here",
        });
    });
});
