/**
 * The update-time guard (components/revisionGuard.ts) under the real engine, against the real API server, Helm
 * and istiod: a one-revision version bump while a pod carries the old revision's native sidecar is refused by
 * `pulumi preview` and by `pulumi up`, and istiod (its Deployment's uid, its Helm release's revision) and the
 * namespaces' labels are untouched; a revision dropped from `mesh.revisions` while a namespace the stack does
 * not declare still selects it is refused the same way, until `mesh.allowRemoval` names it; moving the Formance
 * namespaces' selection is refused while a namespace the operator made (owned by a formance.com Stack) carries
 * another, and `status --desired` names that namespace.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { nativemesh, show } from "../lib/cli";
import { waitFor } from "../lib/cluster";
import { ROOT, RUN } from "../lib/env";
import { deployWeb, kubectl, kubectlApply, kubectlJson } from "../lib/kubectl";
import { type Pod, proxyMode } from "../lib/pods";
import { pulumi, pulumiOk } from "../lib/pulumi";
import { expect, LOCAL, type Spec } from "../lib/spec";
import { tail } from "./deploy";

const OLD = LOCAL.revision; // 1-31-0, what the local stack runs
/** A second revision of the same build, with its own webhook port (the upgrade spec uses 15018). */
const SECOND = "1-31-0-guard";
const SECOND_WEBHOOK = "https://127.0.0.1:15019/inject";

type Config = Record<string, unknown>;

/** The local stack's config, changed by `edit`, as a file for `--config-file`. */
function stackFile(name: string, edit: (config: Config, mesh: Config) => void): string {
    const doc = parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.local.yaml"), "utf8")) as { config: Config };
    edit(doc.config, doc.config["nativemesh:mesh"] as Config);
    const file = path.join(RUN, "guard", `${name}.yaml`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, stringify(doc));
    return file;
}

const stackArgs = (file?: string) => ["--stack", LOCAL.stack, ...(file !== undefined ? ["--config-file", file] : [])];
const upOk = (file?: string) => pulumiOk(["up", "--yes", ...stackArgs(file)]);

/** What must not change when the guard refuses: the istiod Deployment and the Helm release of a revision. */
function istiodState(revision: string): { uid: string; helmRevision: string } {
    const d = kubectlJson(["get", "deployment", `istiod-${revision}`, "-n", LOCAL.istioNamespace]) as {
        metadata: { uid: string };
    };
    const secrets = kubectlJson([
        "get",
        "secrets",
        "-n",
        LOCAL.istioNamespace,
        "-l",
        `owner=helm,name=istiod-${revision},status=deployed`,
    ]) as { items: Array<{ metadata: { labels: Record<string, string> } }> };
    expect(secrets.items.length === 1, `one deployed Helm release istiod-${revision}`);
    return { uid: d.metadata.uid, helmRevision: secrets.items[0].metadata.labels.version };
}

function helmReleases(): string[] {
    const list = kubectlJson(["get", "secrets", "-n", LOCAL.istioNamespace, "-l", "owner=helm,status=deployed"]) as {
        items: Array<{ metadata: { labels: Record<string, string> } }>;
    };
    return list.items.map((s) => s.metadata.labels.name).sort();
}

const labelOf = (namespace: string) =>
    (kubectlJson(["get", "namespace", namespace]) as { metadata: { labels?: Record<string, string> } }).metadata
        .labels?.["istio.io/rev"];

/** Runs `pulumi <command>` expecting the guard's refusal; returns its output. `up` skips its preview, so the
 *  refusal comes from the update itself, as on GKE or ACK, where the kubeconfig is unknown at preview. */
async function refused(command: "preview" | "up", file: string, what: string): Promise<string> {
    const res = await pulumi(
        command === "up" ? ["up", "--yes", "--skip-preview", ...stackArgs(file)] : ["preview", ...stackArgs(file)],
    );
    const out = res.stdout + res.stderr;
    expect(res.code !== 0, `pulumi ${command} of ${what} was not refused:\n${tail(out)}`);
    return out;
}

function expectIn(out: string, text: string, what: string): void {
    expect(out.includes(text), `${what}: the output lacks «${text}»:\n${tail(out)}`);
}

/** A one-replica Deployment in a meshed namespace, and its running pod once `check` holds for it. */
async function runningPod(namespace: string, name: string, check: (p: Pod) => boolean): Promise<Pod> {
    deployWeb(namespace, name);
    let found: Pod | undefined;
    await waitFor(
        `${namespace}/${name} running and injected`,
        async () => {
            const list = kubectlJson(["get", "pods", "-n", namespace, "-l", `app=${name}`]) as { items: Pod[] };
            found = list.items.find((p) => p.status?.phase === "Running" && check(p));
            return found !== undefined;
        },
        90_000,
    );
    return found!;
}

/** Deletes a Deployment and waits until its pods are gone (a running pod would hold the next spec's removal). */
async function removeDeployment(namespace: string, name: string): Promise<void> {
    kubectl(["delete", "deployment", "-n", namespace, name, "--wait=false"]);
    await waitFor(
        `pods of ${namespace}/${name} gone`,
        async () =>
            (kubectlJson(["get", "pods", "-n", namespace, "-l", `app=${name}`]) as { items: unknown[] }).items
                .length === 0,
        90_000,
    );
}

export const guardVersionBump: Spec = {
    name: "guard: a version bump while a pod carries the old revision's native sidecar is refused by preview and up; istiod and the labels are untouched",
    async run() {
        const name = "guard-web";
        const pod = await runningPod(
            LOCAL.revisionNamespace,
            name,
            (p) => proxyMode(p) === "native" && p.metadata.annotations?.["istio.io/rev"] === OLD,
        );
        try {
            const before = istiodState(OLD);
            const releases = helmReleases();
            const bump = stackFile("bump", (_, mesh) => {
                mesh.version = "1.31.1";
            });
            const refusal =
                "nativemesh:mesh.version: 1.31.0 -> 1.31.1 would replace revision 1-31-0 by 1-31-1 in one update, " +
                "but the cluster still uses 1-31-0:";
            for (const command of ["preview", "up"] as const) {
                const out = await refused(command, bump, "a one-revision version bump");
                expectIn(out, refusal, `${command} of the bump`);
                expectIn(out, `${LOCAL.revisionNamespace}/${pod.metadata.name}`, `${command} names the pod`);
                expectIn(out, 'mesh.revisions: [{version: "1.31.0"}, {version: "1.31.1"}]', "the canary path");
            }
            const after = istiodState(OLD);
            expect(after.uid === before.uid, `istiod-${OLD} was replaced (uid ${before.uid} -> ${after.uid})`);
            expect(
                after.helmRevision === before.helmRevision,
                `istiod-${OLD}'s Helm release moved from revision ${before.helmRevision} to ${after.helmRevision}`,
            );
            expect(
                JSON.stringify(helmReleases()) === JSON.stringify(releases),
                `Helm releases changed: ${helmReleases().join(", ")}`,
            );
            for (const ns of [LOCAL.revisionNamespace, LOCAL.canaryNamespace])
                expect(labelOf(ns) !== "1-31-1", `namespace ${ns} was relabelled to 1-31-1 by a refused update`);
        } finally {
            await removeDeployment(LOCAL.revisionNamespace, name);
        }
    },
};

/** The local stack with two revisions: the tag, the default and the namespaces stay on the first. */
const twoRevisions = (name: string, installed: string[], allowRemoval: string[] = []) =>
    stackFile(name, (config, mesh) => {
        delete mesh.version;
        // Each revision with its own injection URL: with several revisions a mesh-wide one is refused (it would
        // send every revision's pods to one istiod). The first keeps the local stack's (stacks/Pulumi.local.yaml).
        const values = mesh.istiodValues as Config & { istiodRemote?: { injectionURL?: string } };
        const firstWebhook = values.istiodRemote?.injectionURL;
        delete values.istiodRemote;
        mesh.revisions = installed.map((revision) =>
            revision === OLD
                ? { version: "1.31.0", istiodValues: { istiodRemote: { injectionURL: firstWebhook } } }
                : { version: "1.31.0", revision, istiodValues: { istiodRemote: { injectionURL: SECOND_WEBHOOK } } },
        );
        mesh.revisionTags = [{ name: LOCAL.tag, revision: OLD }];
        mesh.defaultRevision = OLD;
        if (allowRemoval.length > 0) mesh.allowRemoval = allowRemoval;
        config["nativemesh:namespaces"] = [
            { name: LOCAL.revisionNamespace, revision: OLD },
            { name: LOCAL.tagNamespace, revisionTag: LOCAL.tag },
        ];
        (config["nativemesh:formance"] as Config).namespaceRevisionTag = LOCAL.tag;
    });

export const guardDroppedRevision: Spec = {
    name: "guard: a revision dropped while a namespace the stack does not declare selects it is refused, istiod untouched; mesh.allowRemoval lets it go",
    async run(ctx) {
        const legacy = "guard-legacy";
        try {
            await upOk(twoRevisions("two", [OLD, SECOND]));
            await waitFor(`istiod of ${SECOND} running`, async () => ctx.istiod.revisions().includes(SECOND), 60_000);
            const created = kubectl(["create", "namespace", legacy]);
            expect(created.status === 0, `creating ${legacy}: ${created.stderr}`);
            kubectl(["label", "namespace", legacy, `istio.io/rev=${SECOND}`]);
            const before = istiodState(SECOND);

            const dropped = twoRevisions("drop", [OLD]);
            const out = await refused("up", dropped, `dropping ${SECOND}`);
            // The canary namespace of the revision goes with it; the namespace nobody declared holds it.
            expectIn(
                out,
                `nativemesh:mesh.revisions: removes revision ${SECOND}, which the cluster still uses: 1 namespace ` +
                    `selects it (${legacy}: istio.io/rev=${SECOND}). Move these selectors to a revision that stays`,
                "the refusal",
            );
            const after = istiodState(SECOND);
            expect(after.uid === before.uid && after.helmRevision === before.helmRevision, `istiod-${SECOND} changed`);
            expect(ctx.istiod.revisions().includes(SECOND), `istiod of ${SECOND} stopped after a refused update`);

            // The override, for that one revision: the update goes through and the revision goes.
            await upOk(twoRevisions("drop-allowed", [OLD], [SECOND]));
            expect(
                !helmReleases().includes(`istiod-${SECOND}`),
                `istiod-${SECOND} is still installed: ${helmReleases().join(", ")}`,
            );
            // An override naming a revision no longer installed is refused: it covers one removal only.
            const stale = await refused(
                "preview",
                twoRevisions("drop-allowed-again", [OLD], [SECOND]),
                "a spent override",
            );
            expectIn(
                stale,
                `nativemesh:mesh.allowRemoval[0]: '${SECOND}' is not an istiod revision on the cluster (installed: ${OLD})`,
                "the spent override",
            );
        } finally {
            kubectl(["delete", "namespace", legacy, "--wait=false"]);
            await upOk();
        }
    },
};

const STACK_CRD = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "stacks.formance.com" },
    spec: {
        group: "formance.com",
        scope: "Cluster",
        names: { kind: "Stack", plural: "stacks", singular: "stack", listKind: "StackList" },
        versions: [
            {
                name: "v1beta1",
                served: true,
                storage: true,
                schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
            },
        ],
    },
};

export const guardFormanceNamespaces: Spec = {
    name: "guard: moving the Formance namespaces' selection is refused while one the operator made carries another; status --desired names it",
    async run() {
        const stack = "guard-ledger";
        const hadCrd = kubectl(["get", "crd", STACK_CRD.metadata.name]).status === 0;
        const outputs = path.join(RUN, "guard", "outputs.json");
        const desiredOf = async () => {
            const res = await pulumiOk(["stack", "output", "--json", "--stack", LOCAL.stack]);
            fs.mkdirSync(path.dirname(outputs), { recursive: true });
            fs.writeFileSync(outputs, res.stdout);
            const run = nativemesh(["status", "--desired", outputs, "--json"]);
            expect(run.status !== 2, `status --desired: ${show(run)}`);
            return (JSON.parse(run.stdout) as { desired: Array<{ namespace: string; live: string; wanted: string }> })
                .desired;
        };
        try {
            // A namespace as the operator makes it for a Stack: named after it, owned by it, labelled with the
            // selection of the time (formancehq/operator internal/resources/stacks/init.go).
            if (!hadCrd) {
                kubectlApply(STACK_CRD);
                kubectl(["wait", "--for=condition=Established", `crd/${STACK_CRD.metadata.name}`, "--timeout=60s"]);
            }
            kubectlApply({ apiVersion: "formance.com/v1beta1", kind: "Stack", metadata: { name: stack }, spec: {} });
            const owner = kubectlJson(["get", "stacks.formance.com", stack]) as { metadata: { uid: string } };
            kubectlApply({
                apiVersion: "v1",
                kind: "Namespace",
                metadata: {
                    name: stack,
                    labels: { "istio.io/rev": OLD },
                    ownerReferences: [
                        {
                            apiVersion: "formance.com/v1beta1",
                            kind: "Stack",
                            name: stack,
                            uid: owner.metadata.uid,
                            controller: true,
                        },
                    ],
                },
            });
            const byTag = stackFile("formance-tag", (config) => {
                (config["nativemesh:formance"] as Config).namespaceRevisionTag = LOCAL.tag;
            });
            const out = await refused("preview", byTag, "moving the Formance namespaces to the tag");
            expectIn(
                out,
                `nativemesh:formance.namespaceRevisionTag: the Formance namespaces are to select istio.io/rev=${LOCAL.tag}, ` +
                    `but the operator labels a namespace only when it creates it (formancehq/operator ` +
                    `internal/resources/stacks/init.go), so this one keeps another: ${stack} (istio.io/rev=${OLD}). ` +
                    `Relabel it first (kubectl label namespace ${stack} istio.io/rev=${LOCAL.tag} --overwrite)`,
                "the refusal",
            );
            expect(
                (await desiredOf()).every((d) => d.namespace !== stack),
                "the deployed stack selects the revision, which the namespace carries",
            );

            // As the refusal says: relabel, and the deployed stack's --desired now names the namespace.
            kubectl(["label", "namespace", stack, `istio.io/rev=${LOCAL.tag}`, "--overwrite"]);
            const behind = (await desiredOf()).find((d) => d.namespace === stack);
            expect(
                behind?.live === `istio.io/rev=${LOCAL.tag}` && behind.wanted === `istio.io/rev=${OLD}`,
                `status --desired on ${stack}: ${JSON.stringify(behind)}`,
            );
            await upOk(byTag);
            const agreed = await desiredOf();
            expect(agreed.length === 0, `status --desired after the move: ${JSON.stringify(agreed)}`);
        } finally {
            kubectl(["delete", "namespace", stack, "--wait=false"]);
            kubectl(["delete", "stacks.formance.com", stack, "--wait=false"]);
            if (!hadCrd) kubectl(["delete", "crd", STACK_CRD.metadata.name, "--wait=false"]);
            await upOk();
        }
    },
};
