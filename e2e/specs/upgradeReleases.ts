/**
 * The canary upgrade between two real Istio releases, as `pulumi up`s of the local stack: the testbed builds an
 * older release (ISTIO_PREVIOUS_VERSION of e2e/versions.env, release-1.30) beside the local stack's (1.31), each
 * with its own pilot-discovery and charts, and each revision names its release's charts
 * (`mesh.revisions[].chartPath`). From a control plane of the older release only: a workload injected natively by
 * the older istiod; the newer revision added (istio-base and its CRDs move up to the newer release); the tag, the
 * default and the namespace moved; the workload restarted and injected natively by the newer istiod; the older
 * revision removed. Where upgrade.ts meets two revisions of one build, this meets the chart, CRD and injector
 * changes between two releases.
 *
 * Istio's base chart (one per cluster: it holds the CRDs) cannot go down to the older release under the deployed
 * local stack, so the spec takes the local stack down first and deploys it as shipped again at the end.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { nativemesh, show } from "../lib/cli";
import { waitFor } from "../lib/cluster";
import { builtIstioReleases, istioRelease, ROOT, RUN } from "../lib/env";
import { deployedChartVersion, helmReleases } from "../lib/helm";
import { deployWeb, kubectl, kubectlJson } from "../lib/kubectl";
import { canaryComplete, type Pod, podOf, proxyMode } from "../lib/pods";
import { pulumi, pulumiOk } from "../lib/pulumi";
import { expect, LOCAL, type Spec } from "../lib/spec";
import { tail } from "./deploy";

type Config = Record<string, unknown>;

interface Release {
    version: string;
    revision: string;
    /** The port of its istiod's webhooks (the supervisor starts istiod on the one its injection URL names). */
    port: number;
}

function releases(): { older: Release; newer: Release } {
    const built = builtIstioReleases();
    return {
        older: { version: built.previous, revision: built.previous.replace(/\./g, "-"), port: 15018 },
        // The local stack's own revision on its own port: after the upgrade the stack is the shipped one again.
        newer: { version: built.current, revision: LOCAL.revision, port: 15017 },
    };
}

const url = (r: Release, what: "inject" | "validate") => `https://127.0.0.1:${r.port}/${what}`;

/**
 * One step's stack document: the local stack's file with the given revisions, the tag, the default and the
 * namespace on `selected`. The older revision takes its release's charts; the newer one the local stack's
 * `mesh.chartPath`. Config validation goes to the default revision's istiod.
 */
function stepDocument(installed: Array<"older" | "newer">, selected: "older" | "newer"): { config: Config } {
    const r = releases();
    const doc = parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.local.yaml"), "utf8")) as { config: Config };
    const mesh = doc.config["nativemesh:mesh"] as Config;
    const target = r[selected];
    delete mesh.version;
    const istiodValues = mesh.istiodValues as { istiodRemote?: unknown; base: { validationURL: string } };
    delete istiodValues.istiodRemote;
    istiodValues.base.validationURL = url(target, "validate");
    (mesh.baseValues as { base: { validationURL: string } }).base.validationURL = url(target, "validate");
    mesh.revisions = installed.map((which) => {
        const rel = r[which];
        return {
            version: rel.version,
            revision: rel.revision,
            ...(which === "older" ? { chartPath: path.join(istioRelease(rel.version), "charts") } : {}),
            // Each revision's own injection URL, and its own proxy image tag.
            istiodValues: { istiodRemote: { injectionURL: url(rel, "inject") }, global: { tag: rel.version } },
        };
    });
    mesh.revisionTags = [{ name: LOCAL.tag, revision: target.revision }];
    mesh.defaultRevision = target.revision;
    doc.config["nativemesh:namespaces"] = [
        { name: LOCAL.revisionNamespace, revision: target.revision },
        { name: LOCAL.tagNamespace, revisionTag: LOCAL.tag },
    ];
    (doc.config["nativemesh:formance"] as Config).namespaceRevisionTag = LOCAL.tag;
    return doc;
}

/** The steps `pulumi up` deploys, as stack documents (test/policy/ownPlans.spec.ts runs the pack over each). */
export const DEPLOYED_RELEASE_STEPS = {
    "1-older": () => stepDocument(["older"], "older"),
    "2-add": () => stepDocument(["older", "newer"], "older"),
    "3-move": () => stepDocument(["older", "newer"], "newer"),
    "4-remove": () => stepDocument(["newer"], "newer"),
};

async function up(step: keyof typeof DEPLOYED_RELEASE_STEPS): Promise<void> {
    const file = path.join(RUN, "upgrade-releases", `${step}.yaml`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, stringify(DEPLOYED_RELEASE_STEPS[step]()));
    const res = await pulumi(["up", "--yes", "--stack", LOCAL.stack, "--config-file", file, "--policy-pack", "policy"]);
    expect(res.code === 0, `pulumi up of step ${step} failed:\n${tail(res.stdout + res.stderr)}`);
}

const WORKLOADS = [
    { namespace: LOCAL.revisionNamespace, name: "releases-web" },
    { namespace: LOCAL.tagNamespace, name: "releases-tagged" },
];

/** Injected natively by that revision's istiod: the injector's own record (`sidecar.istio.io/status`, written on
 *  every injection, pkg/kube/inject/webhook.go) names the revision, istio-proxy is an init container with
 *  restartPolicy Always, and its image is the release's (the revision's `global.tag`). */
const injectedBy = (r: Release) => (p: Pod) => {
    const status = JSON.parse(p.metadata.annotations?.["sidecar.istio.io/status"] ?? "{}") as { revision?: string };
    const proxy = p.spec.initContainers?.find((c) => c.name === "istio-proxy") as { image?: string } | undefined;
    return (
        status.revision === r.revision && proxyMode(p) === "native" && proxy?.image?.endsWith(`:${r.version}`) === true
    );
};

/** Istio's CRDs as the API server holds them: the release that applied them (the base chart's labels), and whether
 *  DestinationRule's schema has `zoneAwareLbSetting`, which release-1.31's CRDs add and release-1.30's lack
 *  (manifests/charts/base/files/crd-all.gen.yaml of each). */
function destinationRuleCrd(): { release?: string; zoneAware: boolean } {
    const crd = kubectlJson(["get", "crd", "destinationrules.networking.istio.io"]) as {
        metadata: { labels?: Record<string, string> };
        spec: unknown;
    };
    return {
        release: crd.metadata.labels?.["app.kubernetes.io/version"],
        zoneAware: JSON.stringify(crd.spec).includes('"zoneAwareLbSetting"'),
    };
}

/** The CRDs file of a built release mentions the field (or not): the check above tells the two releases apart. */
function crdFileHasZoneAware(version: string): boolean {
    return fs
        .readFileSync(path.join(istioRelease(version), "crd-all.gen.yaml"), "utf8")
        .includes("zoneAwareLbSetting:");
}

async function localStackDeployed(): Promise<boolean> {
    const res = await pulumi(["stack", "export", "--stack", LOCAL.stack]);
    if (res.code !== 0) return false;
    return (
        ((JSON.parse(res.stdout) as { deployment: { resources?: unknown[] } }).deployment.resources ?? []).length > 0
    );
}

export const upgradeBetweenReleases: Spec = {
    name: "two real Istio releases: a canary upgrade from the older release's revision to the newer's (its own charts and istiod each), base and the CRDs end at the newer",
    async run(ctx) {
        const { older, newer } = releases();
        expect(
            !crdFileHasZoneAware(older.version) && crdFileHasZoneAware(newer.version),
            `the CRDs of ${older.version} and ${newer.version} no longer differ by zoneAwareLbSetting: pick another field`,
        );
        if (await localStackDeployed()) await pulumiOk(["destroy", "--yes", "--stack", LOCAL.stack]);
        try {
            // 1. A control plane of the older release only.
            await up("1-older");
            expect(
                JSON.stringify(helmReleases()) ===
                    JSON.stringify(["istio-base", "istio-cni", `istiod-${older.revision}`].sort()),
                `Helm releases of the older release: ${helmReleases().join(", ")}`,
            );
            for (const release of ["istio-base", "istio-cni", `istiod-${older.revision}`]) {
                const v = deployedChartVersion(release);
                expect(v === older.version, `${release} at ${v}, not the older release's ${older.version}`);
            }
            await waitFor(
                `istiod of ${older.revision} running`,
                async () => ctx.istiod.revisions().includes(older.revision),
                60_000,
            );
            expect(
                ctx.istiod.release(older.revision) === older.version,
                `istiod of ${older.revision} runs the pilot-discovery of ${ctx.istiod.release(older.revision)}`,
            );
            const before = destinationRuleCrd();
            expect(
                before.release === older.version && !before.zoneAware,
                `the CRDs after installing ${older.version}: ${JSON.stringify(before)}`,
            );
            await canaryComplete(LOCAL.canaryNamespace);
            for (const w of WORKLOADS) deployWeb(w.namespace, w.name);
            for (const w of WORKLOADS)
                await podOf(w.namespace, w.name, injectedBy(older), `${w.name} injected natively by ${older.revision}`);

            // 2. The newer release's revision beside it: base, its CRDs and the CNI node agent move up.
            await up("2-add");
            await waitFor(
                `istiod of ${newer.revision} running`,
                async () => ctx.istiod.revisions().includes(newer.revision),
                60_000,
            );
            expect(
                ctx.istiod.release(newer.revision) === newer.version,
                `istiod of ${newer.revision} runs the pilot-discovery of ${ctx.istiod.release(newer.revision)}`,
            );
            for (const [release, version] of [
                ["istio-base", newer.version],
                ["istio-cni", newer.version],
                [`istiod-${older.revision}`, older.version],
                [`istiod-${newer.revision}`, newer.version],
            ]) {
                const v = deployedChartVersion(release);
                expect(v === version, `after adding ${newer.revision}: ${release} at ${v}, not ${version}`);
            }
            const added = destinationRuleCrd();
            expect(
                added.release === newer.version && added.zoneAware,
                `the CRDs after adding ${newer.version}: ${JSON.stringify(added)}`,
            );
            await canaryComplete(`${LOCAL.canaryNamespace}-${newer.revision}`);

            // 3. Move the tag, the default and the namespace; the workloads are stale until restarted.
            await up("3-move");
            const stale = nativemesh(["status", "--json"]);
            expect(stale.status === 1, `status after the move: ${show(stale)}`);
            for (const ns of [LOCAL.revisionNamespace, LOCAL.tagNamespace]) {
                const restart = nativemesh(["restart", "--namespace", ns, "--timeout", "120"]);
                expect(restart.status === 0, `restart of ${ns}: ${show(restart)}`);
            }
            for (const w of WORKLOADS)
                await podOf(w.namespace, w.name, injectedBy(newer), `${w.name} injected natively by ${newer.revision}`);
            const clean = nativemesh(["status"]);
            expect(clean.status === 0, `status after the restart: ${show(clean)}`);

            // 4. Remove the older revision.
            await up("4-remove");
            expect(
                JSON.stringify(helmReleases()) ===
                    JSON.stringify(["istio-base", "istio-cni", `istiod-${newer.revision}`].sort()),
                `Helm releases after removing ${older.revision}: ${helmReleases().join(", ")}`,
            );
            await waitFor(
                `istiod of ${older.revision} stopped`,
                async () => !ctx.istiod.revisions().includes(older.revision),
                60_000,
            );
            expect(
                deployedChartVersion("istio-base") === newer.version,
                `istio-base ends at ${deployedChartVersion("istio-base")}`,
            );
            const after = destinationRuleCrd();
            expect(after.release === newer.version && after.zoneAware, `the CRDs at the end: ${JSON.stringify(after)}`);
            await canaryComplete(LOCAL.canaryNamespace);
            const done = nativemesh(["status"]);
            expect(done.status === 0, `status after removing ${older.revision}: ${show(done)}`);
        } finally {
            for (const w of WORKLOADS) kubectl(["delete", "deployment", "-n", w.namespace, w.name, "--wait=false"]);
            // Back to the local stack as shipped, for the specs after this one; after a failure half-way (the guard
            // refusing to drop a revision that pods still use), from scratch.
            const shipped = ["up", "--yes", "--stack", LOCAL.stack, "--policy-pack", "policy"];
            if ((await pulumi(shipped)).code !== 0) {
                await pulumiOk(["destroy", "--yes", "--stack", LOCAL.stack]);
                await pulumiOk(shipped);
            }
        }
    },
};
