/**
 * The canary upgrade of docs/UPGRADING.md, as real `pulumi up`s of the local stack with real Helm releases of two
 * revisions (two revisions of the one Istio version the testbed builds): add the new revision beside the old,
 * move the tag and the namespaces, restart the workloads, remove the old revision. Along the way: the old
 * revision's workloads are stale after the move (`status` exits 1) and clean after the restart (exit 0, injected
 * natively by the new revision's real istiod); moving the tag updates its webhook configuration in place; removing
 * a revision that a namespace still selects is refused before anything changes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { renderTagObjects } from "../../cli/offlineTagTemplate";
import { nativemesh, show } from "../lib/cli";
import { ROOT, RUN } from "../lib/env";
import { helmReleases } from "../lib/helm";
import { deployWeb, kubectl, kubectlJson } from "../lib/kubectl";
import { waitFor } from "../lib/cluster";
import { canaryComplete, type Pod, podOf, proxyMode } from "../lib/pods";
import { pulumi, pulumiOk } from "../lib/pulumi";
import { expect, LOCAL, type Spec } from "../lib/spec";
import { tail } from "./deploy";

const OLD = LOCAL.revision; // 1-31-0, what the local stack runs
const NEW = "1-31-0-next";
/** The new revision's istiod listens on its own port (the supervisor reads it from the webhook URL). */
const NEW_WEBHOOK = "https://127.0.0.1:15018/inject";

type Config = Record<string, unknown>;
type Mesh = Record<string, unknown>;

/** The local stack's file with the mesh and namespaces of one step (what `--config-file` gets). */
function stepDocument(mesh: (m: Mesh) => void, namespaces: Array<Record<string, string>>): { config: Config } {
    const doc = parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.local.yaml"), "utf8")) as { config: Config };
    const m = doc.config["nativemesh:mesh"] as Mesh;
    delete m.version;
    delete (m.istiodValues as { istiodRemote?: unknown }).istiodRemote;
    mesh(m);
    doc.config["nativemesh:namespaces"] = namespaces;
    // The namespaces the Formance operator creates follow the tag, as apps-tag does.
    (doc.config["nativemesh:formance"] as Config).namespaceRevisionTag = LOCAL.tag;
    return doc;
}

/** A stack file for `--config-file`: the document of one step, under the run's folder. */
function writeStep(name: string, doc: { config: Config }): string {
    const file = path.join(RUN, "upgrade", `${name}.yaml`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, stringify(doc));
    return file;
}

/** The local stack's istiod listens here (stacks/Pulumi.local.yaml). */
const OLD_WEBHOOK = "https://127.0.0.1:15017/inject";

/** Each revision with its own injection URL: with several revisions a mesh-wide one is refused (it would send
 *  every revision's pods to one istiod). */
const revisions = (...names: string[]) =>
    names.map((revision) =>
        revision === OLD
            ? { version: "1.31.0", istiodValues: { istiodRemote: { injectionURL: OLD_WEBHOOK } } }
            : { version: "1.31.0", revision, istiodValues: { istiodRemote: { injectionURL: NEW_WEBHOOK } } },
    );

/** One step's config: which revisions are installed, where the tag and the default point, and which revision
 *  the namespace that names one selects (the other namespace follows the tag). */
function stepConfig(installed: string[], tagAndDefault: string, namespaceRevision: string): { config: Config } {
    return stepDocument(
        (m) => {
            m.revisions = revisions(...installed);
            m.revisionTags = [{ name: LOCAL.tag, revision: tagAndDefault }];
            m.defaultRevision = tagAndDefault;
        },
        [
            { name: LOCAL.revisionNamespace, revision: namespaceRevision },
            { name: LOCAL.tagNamespace, revisionTag: LOCAL.tag },
        ],
    );
}

/** The steps `pulumi up` deploys, as stack documents (test/policy/ownPlans.spec.ts runs the pack over each). */
export const DEPLOYED_UPGRADE_STEPS = {
    "1-add": () => stepConfig([OLD, NEW], OLD, OLD),
    "2-move": () => stepConfig([OLD, NEW], NEW, NEW),
    "4-remove": () => stepConfig([NEW], NEW, NEW),
};

const STEP1 = () => writeStep("1-add", DEPLOYED_UPGRADE_STEPS["1-add"]());
const STEP2 = () => writeStep("2-move", DEPLOYED_UPGRADE_STEPS["2-move"]());
/** Step 4 too early: the old revision removed while a namespace still names it. */
const REMOVE_TOO_EARLY = () => writeStep("4-too-early", stepConfig([NEW], NEW, OLD));
const STEP4 = () => writeStep("4-remove", DEPLOYED_UPGRADE_STEPS["4-remove"]());

/** `pulumi up` of a step; when it fails, what the control plane's namespace holds is added to the error. */
async function up(file: string): Promise<void> {
    try {
        await pulumiOk(["up", "--yes", "--stack", LOCAL.stack, "--config-file", file, "--policy-pack", "policy"]);
    } catch (err) {
        const ns = ["-n", LOCAL.istioNamespace];
        const pods = kubectl(["get", "deployments,replicasets,pods", ...ns, "-o", "wide"]).stdout;
        const events = kubectl(["get", "events", ...ns, "--sort-by=.lastTimestamp"])
            .stdout.split("\n")
            .slice(-15);
        throw new Error(
            `${(err as Error).message}\n--- ${LOCAL.istioNamespace}:\n${pods}\n--- events:\n${events.join("\n")}`,
        );
    }
}

/** Two workloads started under the old revision: one in the namespace that names it, one behind the tag. */
const WORKLOADS = [
    { namespace: LOCAL.revisionNamespace, name: "upgrade-web" },
    { namespace: LOCAL.tagNamespace, name: "upgrade-tagged" },
];

const injectedBy = (revision: string) => (p: Pod) =>
    proxyMode(p) === "native" && p.metadata.annotations?.["istio.io/rev"] === revision;

interface Webhook {
    metadata: { name: string; uid: string; labels?: Record<string, string> };
    webhooks?: Array<{ name: string; clientConfig?: { url?: string } }>;
}

const tagWebhook = (tag: string) =>
    kubectlJson(["get", "mutatingwebhookconfiguration", `istio-revision-tag-${tag}`]) as Webhook;

export const canaryUpgrade: Spec = {
    name: "the canary upgrade as four `pulumi up`s: add a revision, move the tag and namespaces (status exits 1), restart (natively by the new istiod; status exits 0), remove the old revision",
    async run(ctx) {
        // The stand-in the offline preview uses for Helm's rendering of the tag templates matches the real one.
        const real = tagWebhook(LOCAL.tag);
        const [standIn] = renderTagObjects({
            path: "charts/istiod",
            namespace: LOCAL.istioNamespace,
            values: {
                revision: OLD,
                revisionTags: [LOCAL.tag],
                istiodRemote: { injectionURL: OLD_WEBHOOK },
            },
        }) as unknown as Webhook[];
        expect(real.metadata.name === standIn.metadata.name, `tag webhook name ${real.metadata.name}`);
        for (const [k, v] of Object.entries(standIn.metadata.labels ?? {})) {
            expect(real.metadata.labels?.[k] === v, `the real tag webhook's label ${k}=${real.metadata.labels?.[k]}`);
        }
        expect(
            JSON.stringify(real.webhooks?.map((w) => [w.name, w.clientConfig?.url])) ===
                JSON.stringify(standIn.webhooks?.map((w) => [w.name, w.clientConfig?.url])),
            `the offline stand-in's webhooks differ from Helm's: ${JSON.stringify(real.webhooks?.map((w) => w.name))}`,
        );

        for (const w of WORKLOADS) deployWeb(w.namespace, w.name);
        try {
            for (const w of WORKLOADS)
                await podOf(w.namespace, w.name, injectedBy(OLD), `${w.name} injected by ${OLD}`);

            // 1. Add the new revision beside the old one.
            await up(STEP1());
            expect(
                JSON.stringify(helmReleases()) ===
                    // One CNI node agent (mesh.cni, on by default) serves both revisions.
                    JSON.stringify(["istio-base", "istio-cni", `istiod-${NEW}`, `istiod-${OLD}`].sort()),
                `Helm releases after adding ${NEW}: ${helmReleases().join(", ")}`,
            );
            await waitFor(`istiod of ${NEW} running`, async () => ctx.istiod.revisions().includes(NEW), 60_000);
            await canaryComplete(`${LOCAL.canaryNamespace}-${NEW}`);
            const still = nativemesh(["status"]);
            expect(still.status === 0, `status after adding a revision (nothing moved): ${show(still)}`);

            // 2. Move the tag (and the namespace that names the revision) to the new revision.
            const uid = tagWebhook(LOCAL.tag).metadata.uid;
            await up(STEP2());
            const moved = tagWebhook(LOCAL.tag);
            expect(moved.metadata.labels?.["istio.io/rev"] === NEW, `the tag points at ${NEW}`);
            expect(moved.metadata.uid === uid, "moving the tag updated its webhook configuration in place");
            expect(
                moved.webhooks?.every((w) => w.clientConfig?.url === NEW_WEBHOOK) === true,
                `the tag's webhooks send pods to ${NEW}'s istiod`,
            );
            const stale = nativemesh(["status", "--json"]);
            expect(stale.status === 1, `status after the move: ${show(stale)}`);
            const report = JSON.parse(stale.stdout) as { stale: Array<{ namespace: string; name: string }> };
            for (const w of WORKLOADS) {
                expect(
                    report.stale.some((s) => s.namespace === w.namespace && s.name === w.name),
                    `status lists ${w.namespace}/${w.name} as stale: ${show(stale)}`,
                );
            }

            // 3. Restart the workloads: the new revision's istiod injects them, natively.
            for (const ns of [LOCAL.revisionNamespace, LOCAL.tagNamespace]) {
                const restart = nativemesh(["restart", "--namespace", ns, "--timeout", "120"]);
                expect(restart.status === 0, `restart of ${ns}: ${show(restart)}`);
            }
            for (const w of WORKLOADS)
                await podOf(w.namespace, w.name, injectedBy(NEW), `${w.name} injected by ${NEW}`);
            const clean = nativemesh(["status"]);
            expect(clean.status === 0, `status after the restart: ${show(clean)}`);

            // 4. Remove the old revision: refused while a namespace still names it, then done.
            const early = await pulumi(["preview", "--stack", LOCAL.stack, "--config-file", REMOVE_TOO_EARLY()]);
            const out = early.stdout + early.stderr;
            expect(early.code !== 0, `removing ${OLD} while a namespace names it was not refused:\n${tail(out)}`);
            expect(
                new RegExp(`nativemesh:namespaces\\[0\\]\\.revision: '${OLD}' is not one of mesh.revisions`).test(out),
                `the refusal names the key and the revision:\n${tail(out)}`,
            );
            expect(helmReleases().includes(`istiod-${OLD}`), "the refused step changed nothing");
            await up(STEP4());
            expect(
                JSON.stringify(helmReleases()) === JSON.stringify(["istio-base", "istio-cni", `istiod-${NEW}`].sort()),
                `Helm releases after removing ${OLD}: ${helmReleases().join(", ")}`,
            );
            await waitFor(`istiod of ${OLD} stopped`, async () => !ctx.istiod.revisions().includes(OLD), 60_000);
            const canaryNs = kubectlJson(["get", "namespace", LOCAL.canaryNamespace]) as Webhook;
            expect(canaryNs.metadata.labels?.["istio.io/rev"] === LOCAL.tag, "the canary goes through the tag");
            await canaryComplete(LOCAL.canaryNamespace);
            const after = nativemesh(["status"]);
            expect(after.status === 0, `status after removing ${OLD}: ${show(after)}`);
        } finally {
            for (const w of WORKLOADS) kubectl(["delete", "deployment", "-n", w.namespace, w.name, "--wait=false"]);
            // Back to the local stack as shipped (one revision), for the specs after this one.
            await pulumiOk(["up", "--yes", "--stack", LOCAL.stack, "--policy-pack", "policy"]);
        }
    },
};
