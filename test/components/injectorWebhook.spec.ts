import * as assert from "node:assert/strict";
import { SidecarCanary } from "../../components/sidecarCanary";
import { waitForInjectorWebhook, WebhookConfigSummary } from "../../components/injectorWebhook";
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
