/** What the real istiod, started from the Deployment Helm made, injects. */
import * as fs from "node:fs";
import * as path from "node:path";
import { RUN } from "../lib/env";
import { kubectl, kubectlJson } from "../lib/kubectl";
import { createJob, jobComplete, podsOfJob, proxyMode, Pod } from "../lib/pods";
import { pulumiOk } from "../lib/pulumi";
import { expect, LOCAL, Spec } from "../lib/spec";

interface EnvVar {
    name: string;
    value?: string;
}

export const nativeSwitch: Spec = {
    name: "the native switch: Helm's istiod Deployment carries ENABLE_NATIVE_SIDECARS=true, and istiod runs with it",
    async run(ctx) {
        const deploy = kubectlJson(["get", "deployment", "-n", LOCAL.istioNamespace, `istiod-${LOCAL.revision}`]) as {
            spec: { template: { spec: { containers: Array<{ name: string; env?: EnvVar[] }> } } };
        };
        const env = deploy.spec.template.spec.containers.find((c) => c.name === "discovery")?.env ?? [];
        const value = env.find((e) => e.name === "ENABLE_NATIVE_SIDECARS")?.value;
        expect(value === "true", `istiod Deployment has ENABLE_NATIVE_SIDECARS=${value}`);
        const running = ctx.istiod.environment(LOCAL.revision);
        expect(running !== undefined, `no istiod runs for revision ${LOCAL.revision}`);
        expect(running.ENABLE_NATIVE_SIDECARS === "true", "the running istiod got the Deployment's value");
        const recorded = JSON.parse(
            fs.readFileSync(path.join(RUN, `istiod-${LOCAL.revision}`, "env.json"), "utf8"),
        ) as Record<string, string>;
        for (const e of env) {
            if (e.value !== undefined && e.name !== "KUBECONFIG")
                expect(recorded[e.name] === e.value, `istiod's ${e.name} differs from its Deployment's`);
        }
    },
};

function injected(namespace: string, job: string, annotations: Record<string, string> = {}): Promise<Pod[]> {
    createJob(namespace, job, annotations);
    return podsOfJob(namespace, job);
}

export const injection: Spec = {
    name: "injection by the real istiod: native in the revision's and the tag's namespace, regular on opt-out, none unlabelled",
    async run() {
        for (const ns of [LOCAL.revisionNamespace, LOCAL.tagNamespace]) {
            const [pod] = await injected(ns, "native-check");
            expect(proxyMode(pod) === "native", `${ns}: istio-proxy is ${proxyMode(pod)}, not a native sidecar`);
            const init = pod.spec.initContainers?.find((c) => c.name === "istio-proxy");
            expect(
                init?.restartPolicy === "Always",
                `${ns}: istio-proxy init container restartPolicy ${init?.restartPolicy}`,
            );
            expect(!pod.spec.containers.some((c) => c.name === "istio-proxy"), `${ns}: istio-proxy also in containers`);
            await jobComplete(ns, "native-check", 60_000);
        }
        const [optOut] = await injected(LOCAL.revisionNamespace, "opt-out", {
            "sidecar.istio.io/nativeSidecar": "false",
        });
        expect(proxyMode(optOut) === "regular", `nativeSidecar "false": istio-proxy is ${proxyMode(optOut)}`);
        const plain = kubectl(["create", "namespace", "unmeshed"]);
        expect(plain.status === 0 || /AlreadyExists/.test(plain.stderr), plain.stderr);
        const [outside] = await injected("unmeshed", "no-mesh");
        expect(proxyMode(outside) === "none", `unlabelled namespace: istio-proxy is ${proxyMode(outside)}`);
        for (const [ns, job] of [
            [LOCAL.revisionNamespace, "native-check"],
            [LOCAL.tagNamespace, "native-check"],
            [LOCAL.revisionNamespace, "opt-out"],
        ])
            kubectl(["delete", "job", "-n", ns, job, "--cascade=foreground", "--wait=false"]);
        kubectl(["delete", "namespace", "unmeshed", "--wait=false"]);
    },
};

export const canary: Spec = {
    name: "the canary: its Job is injected natively, reached Complete, and `pulumi up` waited for it",
    async run(ctx) {
        const jobs = kubectlJson(["get", "jobs", "-n", LOCAL.canaryNamespace]) as {
            items: Array<{
                metadata: { name: string };
                status?: { completionTime?: string; conditions?: Array<{ type: string; status: string }> };
            }>;
        };
        expect(jobs.items.length === 1, `expected one canary Job, found ${jobs.items.length}`);
        const job = jobs.items[0];
        const complete = job.status?.conditions?.some((c) => c.type === "Complete" && c.status === "True");
        expect(complete, `canary Job ${job.metadata.name} is not Complete`);
        const [pod] = await podsOfJob(LOCAL.canaryNamespace, job.metadata.name);
        expect(proxyMode(pod) === "native", `canary pod's istio-proxy is ${proxyMode(pod)}`);
        // Pulumi recorded the Job as it was when its await finished: succeeded, so up waited for completion.
        const exported = JSON.parse((await pulumiOk(["stack", "export", "--stack", LOCAL.stack])).stdout) as {
            deployment: { resources?: Array<{ type: string; outputs?: { status?: { succeeded?: number } } }> };
        };
        const recorded = exported.deployment.resources?.find((r) => r.type === "kubernetes:batch/v1:Job");
        expect(recorded?.outputs?.status?.succeeded === 1, "the state records the canary Job as succeeded");
        const finished = Date.parse(job.status?.completionTime ?? "");
        const upDone = ctx.facts.upFinishedAt as number | undefined;
        expect(upDone === undefined || finished <= upDone, "the canary completed before pulumi up returned");
    },
};
