import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import { SidecarCanary } from "../../components/sidecarCanary";
import { at, ofType, oneOfType, record } from "../support/plan";

const provider = () => new k8s.Provider("test-k8s", { kubeconfig: "~/.kube/config" });

describe("SidecarCanary", () => {
    it("is a bounded, non-root Job with limits whose init container must reach a URL through the mesh", async () => {
        const res = await record(
            () =>
                new SidecarCanary("canary", {
                    namespace: "nativemesh-canary",
                    revision: "1-28-1",
                    image: "curlimages/curl:8.11.1",
                    probeUrl: "https://kubernetes.default.svc/readyz",
                    timeoutSeconds: 300,
                    provider: provider(),
                }),
        );
        const job = oneOfType(res, "kubernetes:batch/v1:Job").inputs;
        assert.equal(at(job, "metadata.name"), "nativemesh-canary-1-28-1");
        assert.equal(at(job, "metadata.namespace"), "nativemesh-canary");
        assert.equal(at(job, "metadata.annotations")?.["pulumi.com/timeoutSeconds" as never], "360");
        assert.equal(at(job, "spec.activeDeadlineSeconds"), 300);
        assert.equal(at(job, "spec.backoffLimit"), 0);
        assert.ok(Number(at(job, "spec.ttlSecondsAfterFinished")) > 0);
        const options = oneOfType(res, "kubernetes:batch/v1:Job").options;
        assert.deepEqual(options.customTimeouts, { create: "360s", update: "360s", delete: undefined });
        assert.equal(options.deleteBeforeReplace, true, "a Job's template is immutable");
        const pod = at(job, "spec.template.spec") as Record<string, unknown>;
        assert.equal(at(pod, "securityContext.runAsNonRoot"), true);
        assert.notEqual(at(pod, "securityContext.runAsUser"), 1337, "UID 1337 would bypass the mesh");
        const [ready, probe] = pod.initContainers as Record<string, unknown>[];
        assert.match(JSON.stringify(ready.command), /curl.*127\.0\.0\.1:15021/);
        assert.match(JSON.stringify(probe.command), /curl/);
        assert.deepEqual(probe.env, [{ name: "PROBE_URL", value: "https://kubernetes.default.svc/readyz" }]);
        for (const c of [ready, probe, (pod.containers as Record<string, unknown>[])[0]]) {
            assert.ok(at(c, "resources.limits.cpu") && at(c, "resources.limits.memory"), "limits on every container");
        }
        assert.equal(at(job, "spec.template.metadata.labels")?.["sidecar.istio.io/inject" as never], "true");
        const annotations = (at(job, "spec.template.metadata.annotations") ?? {}) as Record<string, string>;
        assert.equal(
            annotations["sidecar.istio.io/nativeSidecar"],
            undefined,
            "the canary must prove the mesh-wide switch",
        );
    });
});

describe("SidecarCanary's egress NetworkPolicy", () => {
    const canary = (egressNetworkPolicy?: boolean) =>
        record(
            () =>
                new SidecarCanary("canary", {
                    namespace: "nativemesh-canary",
                    revision: "1-28-1",
                    image: "curlimages/curl:8.11.1",
                    probeUrl: "https://kubernetes.default.svc/readyz",
                    timeoutSeconds: 300,
                    egressNetworkPolicy,
                    provider: provider(),
                }),
        );
    const POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

    it("opens DNS, istiod's 15012 and the API server's ports to the canary's pods, before the Job runs", async () => {
        const res = await canary(true);
        const policy = oneOfType(res, POLICY);
        assert.equal(at(policy.inputs, "metadata.namespace"), "nativemesh-canary");
        assert.deepEqual(at(policy.inputs, "spec.podSelector"), {
            matchLabels: { "app.kubernetes.io/name": "nativemesh-canary" },
        });
        assert.deepEqual(at(policy.inputs, "spec.policyTypes"), ["Egress"]);
        const ports = (at(policy.inputs, "spec.egress") as Array<{ ports: unknown[] }>).flatMap((rule) => rule.ports);
        assert.deepEqual(ports, [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
            { protocol: "TCP", port: 15012 },
            { protocol: "TCP", port: 443 },
            { protocol: "TCP", port: 6443 },
        ]);
        const job = oneOfType(res, "kubernetes:batch/v1:Job");
        assert.ok(job.options.dependsOn.includes(policy.urn), "the Job waits for the policy");
        // The policy selects the Job's pods.
        assert.equal(
            at(job.inputs, "spec.template.metadata.labels")?.["app.kubernetes.io/name" as never],
            "nativemesh-canary",
        );
    });

    it("is off unless asked for", async () => {
        assert.deepEqual(ofType(await canary(undefined), POLICY), []);
        assert.deepEqual(ofType(await canary(false), POLICY), []);
    });
});

describe("SidecarCanary: what it waits for and how it is named", () => {
    const args = {
        namespace: "nativemesh-canary",
        revision: "1-29-0",
        image: "curlimages/curl:8.11.1",
        probeUrl: "https://kubernetes.default.svc/readyz",
        timeoutSeconds: 120,
    };

    it("the Job and its policy wait for what they are given; the Job also for the policy", async () => {
        const res = await record(() => {
            const p = provider();
            const namespace = new k8s.core.v1.Namespace(
                "ns",
                { metadata: { name: "nativemesh-canary" } },
                { provider: p },
            );
            return new SidecarCanary("canary", {
                ...args,
                egressNetworkPolicy: true,
                provider: p,
                dependsOn: [namespace],
            });
        });
        const namespace = oneOfType(res, "kubernetes:core/v1:Namespace").urn;
        const policy = oneOfType(res, "kubernetes:networking.k8s.io/v1:NetworkPolicy");
        const job = oneOfType(res, "kubernetes:batch/v1:Job");
        assert.deepEqual(policy.options.dependsOn, [namespace]);
        assert.deepEqual([...job.options.dependsOn].sort(), [namespace, policy.urn].sort());
        assert.equal(policy.name, "canary-egress");
        assert.equal(at(policy.inputs, "metadata.name"), "nativemesh-canary-egress");
        // The bound follows timeoutSeconds, with the wait's margin.
        assert.deepEqual(job.options.customTimeouts, { create: "180s", update: "180s", delete: undefined });
        assert.equal(at(job.inputs, "spec.activeDeadlineSeconds"), 120);
    });

    it("waits for a value before it is created, and records it beside the timeout annotation", async () => {
        const res = await record(
            () =>
                new SidecarCanary("canary", { ...args, provider: provider(), waitFor: pulumi.output("asm-injector") }),
        );
        const annotations = at(oneOfType(res, "kubernetes:batch/v1:Job").inputs, "metadata.annotations");
        assert.deepEqual(annotations, {
            "pulumi.com/timeoutSeconds": "180",
            "nativemesh.io/waited-for": "asm-injector",
        });
        const without = await record(() => new SidecarCanary("canary", { ...args, provider: provider() }));
        assert.deepEqual(at(oneOfType(without, "kubernetes:batch/v1:Job").inputs, "metadata.annotations"), {
            "pulumi.com/timeoutSeconds": "180",
        });
    });

    it("the fingerprint is part of the Job's name, so a changed proof runs a new Job", async () => {
        const name = async (fingerprint?: string) =>
            at(
                oneOfType(
                    await record(() => new SidecarCanary("canary", { ...args, fingerprint, provider: provider() })),
                    "kubernetes:batch/v1:Job",
                ).inputs,
                "metadata.name",
            );
        const plain = await name(undefined);
        const a = await name("abc123");
        const b = await name("def456");
        assert.equal(plain, "nativemesh-canary-1-29-0");
        assert.notEqual(a, plain);
        assert.notEqual(a, b);
        assert.match(String(a), /abc123/);
    });
});
