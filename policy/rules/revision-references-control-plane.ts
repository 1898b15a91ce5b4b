// revision-references-control-plane (stack): when the stack installs its own control plane, every istio.io/rev
// it writes must name one of its revisions or revision tags; otherwise the namespace gets no injection, or a
// control plane the stack does not configure (istio.io "Canary Upgrades"; istio/istio
// manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml). And every revision tag's
// webhook must point at a revision the stack installs: a tag left on a dropped revision sends pod admission to an
// istiod that is gone, and its webhook's failurePolicy Fail then refuses every pod of the namespaces selecting
// the tag (templates/revision-tags-mwc.yaml).

import { controlPlanesOf } from "../control-planes";
import { istioctlTags, type RevisionTag } from "../istioctl";
import { stackPolicy } from "../pulumi-adapter";
import { CANNOT_TELL, show } from "../read";
import {
    describe,
    findingsOfEach,
    NO_FINDINGS,
    say,
    type Finding,
    type StackFinding,
    type StackResource,
    type StackRule,
} from "../rule";
import { tagWebhook } from "../tag-webhooks";
import { namespaceLabels, settingNamespaceLabels } from "../workloads";

// This rule has no thresholds.
export type RevisionReferencesConfig = Record<string, never>;

export interface InstalledRevisions {
    /** Revision names and tags, with the resource that declares each, for messages. */
    names: Map<string, string>;
    /** Some control plane's revision or tag cannot be read, so the set may be incomplete. */
    incomplete: boolean;
    /** Some control plane is installed with a revision (the rule only applies then). */
    anyRevision: boolean;
    /** Revision tags made outside a control plane's own install, pointing at a revision the stack does not
     *  install: each with the resource that makes it. */
    danglingTags: Array<{ tag: string; revision: string; resource: StackResource }>;
}

export function installedRevisions(resources: StackResource[]): InstalledRevisions {
    const installed: InstalledRevisions = { names: new Map(), incomplete: false, anyRevision: false, danglingTags: [] };
    const tagSetters: Array<[RevisionTag, StackResource]> = [];
    const revisions = new Set<string>();
    // By index, not for-of: a first run is mostly interpreted, where for-of allocates per resource (issue 20).
    for (let index = 0; index < resources.length; index++) {
        const resource = resources[index];
        // The lists inside by index too: most are empty, and for-of would still allocate for each (issue 20).
        const tags = istioctlTags(resource.type, resource.props);
        for (let position = 0; position < tags.length; position++) tagSetters.push([tags[position], resource]);
        const hook = tagWebhook(resource.type, resource.props);
        if (hook !== undefined) tagSetters.push([hook, resource]);
        const planes = controlPlanesOf(resource.type, resource.props);
        for (let position = 0; position < planes.length; position++) {
            const plane = planes[position];
            if (plane.kind === "sail") continue; // not one of the installs this rule names (issue 4)
            if (plane.revision === CANNOT_TELL) installed.incomplete = true;
            else if (plane.revision === undefined) {
                installed.names.set("default", describe(resource));
                revisions.add("default");
            } else {
                installed.anyRevision = true;
                revisions.add(plane.revision);
                installed.names.set(plane.revision, describe(resource));
            }
            for (const tag of plane.tags) {
                if (tag === CANNOT_TELL) installed.incomplete = true;
                else installed.names.set(tag, `${describe(resource)} (tag)`);
            }
            if (plane.revision === CANNOT_TELL && plane.kind === "asmcli") installed.anyRevision = true;
        }
    }
    // `istioctl tag set TAG --revision REV` (e.g. our AsmInstall's script) makes TAG select REV's control plane:
    // it counts when REV is a revision the stack installs (istioctl/pkg/tag/generate.go Generate looks REV up
    // among revision webhooks, not tags, and fails without one).
    for (const [{ tag, revision }, resource] of tagSetters) {
        if (tag === CANNOT_TELL || revision === CANNOT_TELL) installed.incomplete = true;
        else if (revisions.has(revision)) installed.names.set(tag, `${describe(resource)} (tag)`);
        else if (tagWebhook(resource.type, resource.props) !== undefined)
            installed.danglingTags.push({ tag, revision, resource });
    }
    return installed;
}

/** The pure per-resource check, given the revisions the stack installs. */
export function checkRevisionReference(
    type: string,
    props: Record<string, unknown>,
    installed: InstalledRevisions,
): Finding[] {
    const labels = namespaceLabels(type, props);
    const setting = labels === undefined ? settingNamespaceLabels(type, props) : undefined;
    const where = labels !== undefined ? "the namespace" : "the Formance namespace.labels Setting";
    const map =
        labels instanceof Map ? labels : setting && setting.entries instanceof Map ? setting.entries : undefined;
    const revision = map?.get("istio.io/rev");
    if (typeof revision !== "string" || installed.names.has(revision)) return NO_FINDINGS;
    const known = [...installed.names.keys()].join(", ") || "none";
    const what = `${where} selects istio.io/rev=${show(revision)}, which no control plane in this stack serves (revisions and tags: ${known})`;
    if (installed.incomplete) {
        return [
            {
                cannotTell: true,
                message: `${what}; some revision names in the stack cannot be read, so it may still match`,
            },
        ];
    }
    return [
        {
            message: say(
                what,
                "A namespace whose istio.io/rev matches no installed revision or tag gets no sidecar, or one from a control plane this stack does not configure for native sidecars",
                `label it with one of: ${known}`,
            ),
        },
    ];
}

/** A tag whose webhook points at a revision the stack does not install (e.g. one it just dropped). */
export function danglingTagFinding(tag: string, revision: string, installed: InstalledRevisions): Finding {
    const what = `the revision tag ${show(tag)} points at revision ${show(revision)}, which no control plane in this stack serves`;
    if (installed.incomplete) {
        return {
            cannotTell: true,
            message: `${what}; some revision names in the stack cannot be read, so it may still match`,
        };
    }
    const known = [...installed.names.keys()].join(", ") || "none";
    return {
        message: say(
            what,
            "Its webhook sends pod admission to an istiod that is not there, and with failurePolicy Fail every pod of a namespace selecting the tag is refused",
            `point the tag at a revision this stack installs before removing ${show(revision)} (revisions and tags: ${known})`,
        ),
    };
}

export const rule: StackRule<RevisionReferencesConfig> = {
    kind: "stack",
    name: "revision-references-control-plane",
    description:
        "Requires every istio.io/rev label the stack writes to name a revision or tag of a control plane the stack installs.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Label namespaces with the istiod revision (e.g. 1-28-1, asm-11910-26) or one of its revision tags.",
    config: {},
    check: (resources): StackFinding[] => {
        const installed = installedRevisions(resources);
        if (!installed.anyRevision) return [];
        return [
            ...findingsOfEach(resources, (resource) =>
                checkRevisionReference(resource.type, resource.props, installed),
            ),
            ...installed.danglingTags.map(({ tag, revision, resource }) => ({
                resource,
                ...danglingTagFinding(tag, revision, installed),
            })),
        ];
    },
};

export const policy = stackPolicy(rule);
