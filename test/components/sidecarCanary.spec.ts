import * as k8s from "@pulumi/kubernetes";
import * as assert from "node:assert/strict";
import { SidecarCanary } from "../../components/sidecarCanary";
import { at, oneOfType, record } from "../support/plan";

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
        const init = (pod.initContainers as Record<string, unknown>[])[0];
        assert.match(JSON.stringify(init.command), /curl/);
        assert.deepEqual(init.env, [{ name: "PROBE_URL", value: "https://kubernetes.default.svc/readyz" }]);
        for (const c of [init, (pod.containers as Record<string, unknown>[])[0]]) {
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
