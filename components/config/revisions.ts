/**
 * Revision planning: the control-plane revisions a stack installs side by side, the tags that point at them, the
 * default revision, and what each namespace selects; and the refusals that keep a canary upgrade safe. Pure.
 *
 * Istio's canary upgrade (istio.io "Canary Upgrades", and "Upgrade with Helm"): install the new revision beside
 * the old, move the namespaces (or the tag they select), restart the workloads, then remove the old revision.
 * A proxy keeps talking to the istiod of the revision that injected it until its pod is re-created, so a
 * revision may only go once nothing selects it any more.
 */
import { revisionFromVersion } from "../../policy/facts/versions";

/** One revision to install, as configured: `mesh.revisions[i]`, or `mesh.version` for the one-revision form. */
export interface RevisionEntry {
    version: string;
    revision?: string;
    istiodValues?: Record<string, unknown>;
    chartPath?: string;
}

/** A revision tag as configured: a name (the one-revision form) or a name with the revision it points at. */
export type TagEntry = string | { name: string; revision: string };

/** What the planner reads of the mesh section. */
export interface MeshRevisionConfig {
    method: "helm" | "asmcli" | "alibaba-asm" | "managed";
    version?: string;
    revision?: string;
    revisions?: RevisionEntry[];
    revisionTags: TagEntry[];
    defaultRevision: boolean | string;
}

/** A revision to install, its name resolved. */
export interface PlannedRevision {
    version: string;
    revision: string;
    /** This revision's own istiod values, over the mesh's. */
    istiodValues?: Record<string, unknown>;
    /** The local folder of this revision's release's charts, instead of the mesh's `chartPath`. */
    chartPath?: string;
}

/** A tag and the revision it points at. */
export interface PlannedTag {
    name: string;
    revision: string;
}

export interface RevisionPlan {
    /** Every revision, in the order configured; the first is the one a namespace selects when it names none. */
    revisions: PlannedRevision[];
    tags: PlannedTag[];
    /** The revision `istio-injection=enabled` and base's default validator go to, if any. */
    defaultRevision?: string;
}

/** A refusal: where (a config path under `nativemesh:`) and why, in one line. */
export interface RevisionProblem {
    path: (string | number)[];
    message: string;
}

/** Istio names the default tag itself (`istioctl tag set default`; the chart's `revisionTags: [default]`). */
export const DEFAULT_TAG = "default";

/** The revisions as configured, with where each came from: `mesh.revisions`, or the one-revision shorthand. */
function entries(mesh: MeshRevisionConfig): Array<{ entry: RevisionEntry; path: (string | number)[] }> {
    if (mesh.revisions !== undefined) {
        return mesh.revisions.map((entry, i) => ({ entry, path: ["mesh", "revisions", i] }));
    }
    if (mesh.version === undefined) return [];
    return [{ entry: { version: mesh.version, revision: mesh.revision }, path: ["mesh"] }];
}

/** The revision name of an entry: given, or derived from its version as the install method names it. */
function revisionName(entry: RevisionEntry, method: MeshRevisionConfig["method"]): string {
    if (entry.revision !== undefined) return entry.revision;
    return revisionFromVersion(entry.version, method === "asmcli" ? "asmcli" : "helm");
}

/**
 * Plans the revisions of a Helm or asmcli mesh, or says what is wrong. Managed and Alibaba meshes name their
 * revision elsewhere (`revisionFor`); they get one revision or none, and no tags from this planner.
 */
export function planRevisions(mesh: MeshRevisionConfig): { plan: RevisionPlan; problems: RevisionProblem[] } {
    const problems: RevisionProblem[] = [];
    const refuse = (path: (string | number)[], message: string) => problems.push({ path, message });
    if (mesh.version !== undefined && mesh.revisions !== undefined) {
        refuse(["mesh", "revisions"], "give mesh.version (one revision) or mesh.revisions (several), not both");
    } else if (mesh.version === undefined && mesh.revisions === undefined) {
        refuse(["mesh", "version"], "is required (or list mesh.revisions: [{version, revision}])");
    }
    if (mesh.revisions !== undefined && mesh.revision !== undefined) {
        refuse(["mesh", "revision"], "belongs to the one-revision form: name each revision in mesh.revisions");
    }
    if ((mesh.revisions?.length ?? 0) > 1 && mesh.method !== "helm") {
        refuse(
            ["mesh", "revisions"],
            "several revisions side by side are installed by method helm only (one istiod Helm release each)",
        );
    }

    const revisions: PlannedRevision[] = [];
    for (const { entry, path } of entries(mesh)) {
        let revision: string;
        try {
            revision = revisionName(entry, mesh.method);
        } catch (err) {
            refuse([...path, "version"], (err as Error).message);
            continue;
        }
        if (revisions.some((r) => r.revision === revision)) {
            refuse(
                [...path, "revision"],
                `'${revision}' is listed twice: two revisions of one version need distinct revision names`,
            );
            continue;
        }
        revisions.push({
            version: entry.version,
            revision,
            ...(entry.istiodValues !== undefined ? { istiodValues: entry.istiodValues } : {}),
            ...(entry.chartPath !== undefined ? { chartPath: entry.chartPath } : {}),
        });
    }
    const names = revisions.map((r) => r.revision);
    const several = names.length > 1;
    const listed = `mesh.revisions [${names.join(", ")}]`;

    const tags: PlannedTag[] = [];
    mesh.revisionTags.forEach((tag, i) => {
        const path = ["mesh", "revisionTags", i];
        const name = typeof tag === "string" ? tag : tag.name;
        let revision: string | undefined;
        if (typeof tag === "string") {
            if (several) {
                refuse(path, `with several revisions, name the one '${tag}' points at: {name: ${tag}, revision: ...}`);
                return;
            }
            revision = names[0];
        } else {
            revision = tag.revision;
            if (!names.includes(revision)) {
                refuse(
                    [...path, "revision"],
                    `'${revision}' is not one of ${listed}: point the tag at an installed revision`,
                );
                return;
            }
        }
        if (name === DEFAULT_TAG) {
            refuse(path, "the tag 'default' is Istio's default revision: set mesh.defaultRevision instead");
        } else if (names.includes(name)) {
            refuse(path, `'${name}' is also a revision name; a tag needs a name of its own`);
        } else if (tags.some((t) => t.name === name)) {
            refuse(path, `'${name}' is listed twice; a tag points at one revision`);
        } else if (revision !== undefined) {
            tags.push({ name, revision });
        }
    });

    let defaultRevision: string | undefined;
    if (mesh.defaultRevision === true) {
        if (several) refuse(["mesh", "defaultRevision"], `with several revisions, name one of ${listed}`);
        else defaultRevision = names[0];
    } else if (typeof mesh.defaultRevision === "string") {
        if (names.includes(mesh.defaultRevision)) defaultRevision = mesh.defaultRevision;
        else
            refuse(
                ["mesh", "defaultRevision"],
                `'${mesh.defaultRevision}' is not one of ${listed}: move the default before removing its revision`,
            );
    }
    return { plan: { revisions, tags, defaultRevision }, problems };
}

/** What a namespace (or the Formance namespaces, or the canary) selects, as configured. */
export interface Selector {
    revision?: string;
    revisionTag?: string;
}

/**
 * The revision or tag a selector puts in `istio.io/rev`, or why it cannot. With one revision a selector may name
 * none (it gets that revision); with several it must say which, so that adding a revision never moves a
 * namespace by itself, and removing one never does either.
 */
export function selectedBy(
    selector: Selector,
    plan: RevisionPlan,
    what: string,
): { label?: string; problem?: { key: "revision" | "revisionTag" | "self"; message: string } } {
    const names = plan.revisions.map((r) => r.revision);
    if (selector.revision !== undefined && selector.revisionTag !== undefined) {
        return { problem: { key: "self", message: `${what} selects a revision or a revision tag, not both` } };
    }
    if (selector.revision !== undefined) {
        if (names.includes(selector.revision)) return { label: selector.revision };
        return {
            problem: {
                key: "revision",
                message:
                    `'${selector.revision}' is not one of mesh.revisions [${names.join(", ")}]: a revision is removed ` +
                    "only once no namespace, tag or default selects it (move them first)",
            },
        };
    }
    if (selector.revisionTag !== undefined) {
        if (plan.tags.some((t) => t.name === selector.revisionTag)) return { label: selector.revisionTag };
        return {
            problem: {
                key: "revisionTag",
                message: `'${selector.revisionTag}' is not one of mesh.revisionTags [${plan.tags.map((t) => t.name).join(", ")}]`,
            },
        };
    }
    if (names.length > 1) {
        return {
            problem: {
                key: "self",
                message: `with several mesh.revisions, ${what} must name its revision or revisionTag (adding or removing a revision never moves it by itself)`,
            },
        };
    }
    return { label: names[0] };
}

/** The `istio.io/rev` value of a valid selector; undefined where the mesh has no revisions (Alibaba ASM without
 *  one), which injects by `istio-injection=enabled`. */
export function selectionOf(plan: RevisionPlan, selector: Selector): string | undefined {
    if (plan.revisions.length === 0 && selector.revision === undefined && selector.revisionTag === undefined) {
        return undefined;
    }
    return selectedBy(selector, plan, "the selector").label;
}

/** The revision a label selects: itself, or the revision a tag points at. */
export function revisionBehind(label: string, plan: RevisionPlan): string | undefined {
    if (plan.revisions.some((r) => r.revision === label)) return label;
    return plan.tags.find((t) => t.name === label)?.revision;
}

/** A canary: which revision it proves, the label its namespace carries, and the namespace's name. */
export interface CanaryTarget {
    revision: string;
    /** The first tag pointing at the revision when there is one (the canary then proves the tag's webhook
     *  too), else the revision. */
    label: string;
    namespace: string;
}

/**
 * One canary per revision. The first revision's canary runs in `namespace` itself, every other revision's in
 * `<namespace>-<revision>`: so a one-revision stack keeps its canary namespace, and when the old revision goes
 * the namespace stays and only its label moves.
 */
export function canaryTargets(plan: RevisionPlan, namespace: string): CanaryTarget[] {
    return plan.revisions.map(({ revision }, i) => ({
        revision,
        label: plan.tags.find((t) => t.revision === revision)?.name ?? revision,
        namespace: i === 0 ? namespace : `${namespace}-${revision}`,
    }));
}
