/**
 * Upgrade paths beside the canary upgrade, on the real engine, Helm and API server:
 * - `istiodReplicas: 7` installs: istiod's HorizontalPodAutoscaler (min 7, max 7) is taken by the API server, which
 *   refuses one whose minimum exceeds its maximum (the chart's own autoscaleMax is 5);
 * - a pod of Istio's gateway template (a regular istio-proxy by design) is judged ok by `status`;
 * - a rollback keeps `istio-base`: with base at a newer chart version than the revision left, removing the newer
 *   revision is refused while base would go down (its Helm release untouched), and done once base stays.
 *
 * The testbed builds one Istio release; the newer one here is a copy of its charts stamped 1.31.1 (the base
 * chart's CRDs are the same: what is tested is the version Helm records and nativemesh's refusal). The rollback
 * leaves base at 1.31.1, above the local stack as shipped (1.31.0), which nativemesh then refuses to take it back
 * to: it runs last before `destroy`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { nativemesh, show } from "../lib/cli";
import { waitFor } from "../lib/cluster";
import { ROOT, RUN } from "../lib/env";
import { deployedChartVersion } from "../lib/helm";
import { kubectl, kubectlApply, kubectlJson } from "../lib/kubectl";
import { pulumi, pulumiOk } from "../lib/pulumi";
import { expect, LOCAL, type Spec } from "../lib/spec";
import { tail } from "./deploy";

type Config = Record<string, unknown>;

/** A stack file for `--config-file`: the local stack's config, its mesh section edited. */
function stackFile(name: string, edit: (mesh: Config, config: Config) => void): string {
    const doc = parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.local.yaml"), "utf8")) as { config: Config };
    edit(doc.config["nativemesh:mesh"] as Config, doc.config);
    const file = path.join(RUN, "upgrade-paths", `${name}.yaml`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, stringify(doc));
    return file;
}

const up = (file: string) =>
    pulumi(["up", "--yes", "--stack", LOCAL.stack, "--config-file", file, "--policy-pack", "policy"]);

async function upOk(file: string): Promise<void> {
    const res = await up(file);
    expect(res.code === 0, `pulumi up --config-file ${path.basename(file)} failed:\n${tail(res.stdout + res.stderr)}`);
}

/** The local stack as shipped, for the specs after one that changed it. */
const shipped = () => pulumiOk(["up", "--yes", "--stack", LOCAL.stack, "--policy-pack", "policy"]);

export const replicasSeven: Spec = {
    name: "istiodReplicas: 7 installs: the API server takes istiod's HPA (min 7, max 7), the chart's autoscaleMax being 5",
    async run() {
        try {
            await upOk(stackFile("replicas-7", (mesh) => (mesh.istiodReplicas = 7)));
            const hpas = kubectlJson(["get", "hpa", "-n", LOCAL.istioNamespace]) as {
                items: Array<{ metadata: { name: string }; spec: { minReplicas?: number; maxReplicas: number } }>;
            };
            const hpa = hpas.items.find((h) => h.metadata.name === `istiod-${LOCAL.revision}`);
            expect(hpa !== undefined, `no HPA istiod-${LOCAL.revision}: ${hpas.items.map((h) => h.metadata.name)}`);
            expect(
                hpa.spec.minReplicas === 7 && hpa.spec.maxReplicas === 7,
                `HPA min ${hpa.spec.minReplicas}, max ${hpa.spec.maxReplicas}`,
            );
        } finally {
            await shipped();
        }
    },
};

const GATEWAY = "gateway-template";

export const gatewayTemplateOk: Spec = {
    name: "a gateway-template pod (inject.istio.io/templates: gateway, a regular istio-proxy) is judged ok by `status`",
    async run() {
        const ns = LOCAL.revisionNamespace;
        // As Istio's gateway chart makes its pods (manifests/charts/gateway: the annotation, the inject label, a
        // container named istio-proxy with image auto that the template fills in).
        kubectlApply({
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: GATEWAY, namespace: ns },
            spec: {
                replicas: 1,
                selector: { matchLabels: { app: GATEWAY } },
                template: {
                    metadata: {
                        labels: { app: GATEWAY, "sidecar.istio.io/inject": "true" },
                        annotations: { "inject.istio.io/templates": "gateway" },
                    },
                    spec: { containers: [{ name: "istio-proxy", image: "auto" }] },
                },
            },
        });
        try {
            await waitFor(
                `${GATEWAY} injected by ${LOCAL.revision} and running`,
                async () => {
                    const pods = kubectlJson(["get", "pods", "-n", ns, "-l", `app=${GATEWAY}`]) as {
                        items: Array<{
                            metadata: { annotations?: Record<string, string> };
                            status?: { phase?: string };
                        }>;
                    };
                    return pods.items.some(
                        (p) =>
                            p.status?.phase === "Running" &&
                            p.metadata.annotations?.["sidecar.istio.io/status"]?.includes(
                                `"revision":"${LOCAL.revision}"`,
                            ),
                    );
                },
                90_000,
            );
            const status = nativemesh(["status", "--json", "--namespace", ns]);
            expect(status.status === 0, `status with a gateway-template pod: ${show(status)}`);
            const report = JSON.parse(status.stdout) as {
                namespaces: Array<{ pods: Array<{ name: string; mode: string; role: string; state: string }> }>;
            };
            const gateway = report.namespaces[0]?.pods.find((p) => p.name.startsWith(`${GATEWAY}-`));
            expect(gateway !== undefined, `status lists no ${GATEWAY} pod: ${show(status)}`);
            expect(
                gateway.mode === "regular" && gateway.role === "gateway template" && gateway.state === "ok",
                `the gateway pod: ${JSON.stringify(gateway)}`,
            );
            const restart = nativemesh(["restart", "--dry-run", "--namespace", ns]);
            expect(
                restart.status === 0 && !/would restart/.test(restart.stdout),
                `restart --dry-run: ${show(restart)}`,
            );
        } finally {
            kubectl(["delete", "deployment", "-n", ns, GATEWAY, "--wait=false"]);
        }
    },
};

const NEWER = { version: "1.31.1", revision: "1-31-1", url: "https://127.0.0.1:15018/inject" };
const OLDER_URL = "https://127.0.0.1:15017/inject";

/** Istio's charts as the testbed has them, copied and stamped with another version. */
function stampedCharts(version: string): string {
    const mesh = (parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.local.yaml"), "utf8")) as { config: Config })
        .config["nativemesh:mesh"] as Config;
    const copy = path.join(RUN, "upgrade-paths", `charts-${version}`);
    fs.rmSync(copy, { recursive: true, force: true });
    fs.cpSync(path.resolve(ROOT, String(mesh.chartPath)), copy, { recursive: true });
    for (const chart of ["base", "istiod"]) {
        const file = path.join(copy, chart, "Chart.yaml");
        fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/^version: .*$/m, `version: ${version}`));
    }
    return copy;
}

/** The local stack with the given revisions, the tag, the default and the namespaces on the older one. */
function revisionsFile(name: string, chartPath: string | undefined, withNewer: boolean): string {
    return stackFile(name, (mesh, config) => {
        delete mesh.version;
        delete (mesh.istiodValues as { istiodRemote?: unknown }).istiodRemote;
        if (chartPath !== undefined) mesh.chartPath = chartPath;
        mesh.revisions = [
            { version: "1.31.0", istiodValues: { istiodRemote: { injectionURL: OLDER_URL } } },
            ...(withNewer
                ? [
                      {
                          version: NEWER.version,
                          revision: NEWER.revision,
                          istiodValues: { istiodRemote: { injectionURL: NEWER.url } },
                      },
                  ]
                : []),
        ];
        mesh.revisionTags = [{ name: LOCAL.tag, revision: LOCAL.revision }];
        mesh.defaultRevision = LOCAL.revision;
        config["nativemesh:namespaces"] = [
            { name: LOCAL.revisionNamespace, revision: LOCAL.revision },
            { name: LOCAL.tagNamespace, revisionTag: LOCAL.tag },
        ];
        (config["nativemesh:formance"] as Config).namespaceRevisionTag = LOCAL.tag;
    });
}

export const rollbackKeepsBase: Spec = {
    name: "a rollback keeps istio-base: removing the newer revision is refused while base would go down, and done with base kept",
    async run(ctx) {
        const newerCharts = stampedCharts(NEWER.version);
        await upOk(revisionsFile("1-newer", newerCharts, true));
        expect(deployedChartVersion("istio-base") === NEWER.version, `base at ${deployedChartVersion("istio-base")}`);
        await waitFor(
            `istiod of ${NEWER.revision} running`,
            async () => ctx.istiod.revisions().includes(NEWER.revision),
            60_000,
        );

        // The rollback as one would first write it: the newer revision gone, the charts back at 1.31.0.
        const refused = await up(revisionsFile("2-rollback-base-down", undefined, false));
        const out = refused.stdout + refused.stderr;
        expect(refused.code !== 0, `a rollback taking base down was not refused:\n${tail(out)}`);
        expect(
            out.includes(
                `nativemesh:mesh.baseVersion: istio-base would go down from ${NEWER.version} to 1.31.0; the base chart holds Istio's CRDs and is never downgraded`,
            ),
            `the refusal names the key and both versions:\n${tail(out)}`,
        );
        expect(deployedChartVersion("istio-base") === NEWER.version, "base is untouched");
        expect(deployedChartVersion(`istiod-${NEWER.revision}`) !== undefined, `istiod-${NEWER.revision} is untouched`);

        // The rollback done: base stays at the newer charts, the newer revision goes.
        await upOk(revisionsFile("3-rollback", newerCharts, false));
        expect(
            deployedChartVersion("istio-base") === NEWER.version,
            `base after the rollback: ${deployedChartVersion("istio-base")}`,
        );
        expect(deployedChartVersion(`istiod-${NEWER.revision}`) === undefined, `istiod-${NEWER.revision} is removed`);
        expect(deployedChartVersion(`istiod-${LOCAL.revision}`) !== undefined, `istiod-${LOCAL.revision} stays`);
        const status = nativemesh(["status"]);
        expect(status.status === 0, `status after the rollback: ${show(status)}`);
    },
};
