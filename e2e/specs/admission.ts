/**
 * Pod Security admission for real: kube-apiserver enforces a namespace's `pod-security.kubernetes.io/enforce`
 * level itself (PodSecurity admission is on by default), so the testbed shows what a hardened cluster admits
 * without any kubelet. A variant of the local stack adds a meshed namespace labelled `restricted`:
 * - with Istio CNI (mesh.cni, the default) the real istiod injects istio-validation instead of istio-init, and the
 *   API server admits the injected pod;
 * - with `mesh.cni: false` the pack refuses the plan beforehand (pod-security-needs-istio-cni), and once deployed
 *   anyway, the API server refuses the same pod, naming istio-init.
 * The CNI node agent's DaemonSet pods are kwok's fakes: no CNI plug-in runs here, only admission is proven.
 * The plain local stack is deployed again at the end, so later specs see it as before.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { waitFor } from "../lib/cluster";
import { ROOT, RUN } from "../lib/env";
import { kubectl, kubectlJson } from "../lib/kubectl";
import { step } from "../lib/log";
import type { Pod } from "../lib/pods";
import { proxyMode } from "../lib/pods";
import { pulumi, pulumiOk } from "../lib/pulumi";
import { expect, LOCAL, Spec } from "../lib/spec";
import { tail } from "./deploy";

const NAMESPACE = "apps-restricted";
const ENFORCE = "pod-security.kubernetes.io/enforce";

/** A variant of the local stack file: one more namespace, enforcing `restricted`, and mesh.cni as given. */
function variant(name: string, cni: boolean): string {
    const doc = parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.local.yaml"), "utf8")) as {
        config: Record<string, unknown>;
    };
    const namespaces = doc.config["nativemesh:namespaces"] as unknown[];
    doc.config["nativemesh:namespaces"] = [...namespaces, { name: NAMESPACE, labels: { [ENFORCE]: "restricted" } }];
    doc.config["nativemesh:mesh"] = { ...(doc.config["nativemesh:mesh"] as object), cni };
    const file = path.join(RUN, "variants", `${name}.yaml`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, stringify(doc));
    return file;
}

/** A pod that satisfies `restricted` on its own: what is refused is what injection adds. */
function restrictedPod(name: string): object {
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, namespace: NAMESPACE },
        spec: {
            restartPolicy: "Never",
            securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
                {
                    name: "work",
                    image: "busybox:1.37",
                    command: ["sh", "-c", "exit 0"],
                    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                },
            ],
        },
    };
}

/** `kubectl create` of the pod (server dry run when asked): the API server's answer. */
function create(name: string, dryRun = false) {
    return kubectl(
        ["create", ...(dryRun ? ["--dry-run=server"] : []), "-o", "json", "-f", "-"],
        JSON.stringify(restrictedPod(name)),
    );
}

/** The values istiod's injector reads (the chart's istio-sidecar-injector ConfigMap). */
function injectorValues(): { pilot?: { cni?: { enabled?: boolean } } } {
    const cm = kubectlJson([
        "get",
        "configmap",
        "-n",
        LOCAL.istioNamespace,
        `istio-sidecar-injector-${LOCAL.revision}`,
    ]) as {
        data: { values: string };
    };
    return JSON.parse(cm.data.values) as { pilot?: { cni?: { enabled?: boolean } } };
}

export const podSecurityAdmission: Spec = {
    name: "pod security admission: with Istio CNI a restricted namespace admits injected pods; without it the pack refuses the plan and the API server the pods",
    async run() {
        try {
            // CNI on: deployed under the pack, nothing mandatory.
            const on = variant("cni-on", true);
            const up = await pulumi([
                "up",
                "--yes",
                "--policy-pack",
                "policy",
                "--stack",
                LOCAL.stack,
                "--config-file",
                on,
            ]);
            expect(
                up.code === 0,
                `pulumi up with a restricted namespace and CNI failed:\n${tail(up.stdout + up.stderr)}`,
            );
            const ns = kubectlJson(["get", "namespace", NAMESPACE]) as { metadata: { labels: Record<string, string> } };
            expect(ns.metadata.labels[ENFORCE] === "restricted", `${NAMESPACE} is not labelled restricted`);
            const ds = kubectl(["get", "daemonset", "-n", LOCAL.istioNamespace, "istio-cni-node"]);
            expect(ds.status === 0, `the cni chart's DaemonSet istio-cni-node is missing: ${ds.stderr}`);
            expect(
                injectorValues().pilot?.cni?.enabled === true,
                "the injector ConfigMap lacks pilot.cni.enabled: true",
            );

            const admitted = create("with-cni");
            expect(admitted.status === 0, `the API server refused the injected pod with CNI on:\n${admitted.stderr}`);
            const pod = JSON.parse(admitted.stdout) as Pod;
            const inits = (pod.spec.initContainers ?? []).map((c) => c.name);
            step(`  with CNI: admitted, init containers ${inits.join(", ")}`);
            expect(
                inits.includes("istio-validation"),
                `no istio-validation injected: init containers ${inits.join(", ")}`,
            );
            expect(!inits.includes("istio-init"), `istio-init injected despite CNI: ${inits.join(", ")}`);
            expect(proxyMode(pod) === "native", `istio-proxy is ${proxyMode(pod)}, not a native sidecar`);
            // The canary's own namespace is restricted too, and its Job passed there.
            const canaryNs = kubectlJson(["get", "namespace", LOCAL.canaryNamespace]) as {
                metadata: { labels: Record<string, string> };
            };
            expect(canaryNs.metadata.labels[ENFORCE] === "restricted", "the canary's namespace is not restricted");
            kubectl(["delete", "pod", "-n", NAMESPACE, "with-cni", "--grace-period=0", "--force", "--wait=false"]);

            // CNI off: the pack says so before anything is deployed.
            const off = variant("cni-off", false);
            const preview = await pulumi([
                "preview",
                "--policy-pack",
                "policy",
                "--stack",
                LOCAL.stack,
                "--config-file",
                off,
            ]);
            const said = preview.stdout + preview.stderr;
            expect(preview.code !== 0, `the pack let the plan through without CNI:\n${tail(said)}`);
            expect(
                /pod-security-needs-istio-cni/.test(said) && /mandatory/.test(said),
                `the preview failed, but not on pod-security-needs-istio-cni:\n${tail(said)}`,
            );
            // Deployed anyway (without the pack): the API server refuses what istiod now injects.
            await pulumiOk(["up", "--yes", "--stack", LOCAL.stack, "--config-file", off]);
            expect(
                injectorValues().pilot?.cni?.enabled !== true,
                "the injector ConfigMap still says pilot.cni.enabled",
            );
            // istiod reloads the injector ConfigMap on its own: wait (by dry runs, which create nothing) until it
            // injects istio-init, then create the pod for real.
            await waitFor("istiod to inject istio-init", async () => create("without-cni", true).status !== 0, 60_000);
            const refused = create("without-cni");
            expect(refused.status !== 0, "the API server admitted an istio-init pod into a restricted namespace");
            expect(
                /violates PodSecurity "restricted/.test(refused.stderr) &&
                    /istio-init/.test(refused.stderr) &&
                    /NET_ADMIN/.test(refused.stderr),
                `refused, but not by Pod Security for istio-init:\n${refused.stderr}`,
            );
            step(`  without CNI: ${refused.stderr.trim().split("\n")[0]}`);
        } finally {
            kubectl(["delete", "pod", "-n", NAMESPACE, "--all", "--grace-period=0", "--force", "--wait=false"]);
            const back = await pulumi(["up", "--yes", "--stack", LOCAL.stack]);
            expect(back.code === 0, `pulumi up of the plain local stack failed:\n${tail(back.stdout + back.stderr)}`);
        }
    },
};
