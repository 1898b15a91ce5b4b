/**
 * What the configuration makes each namespace select, as data: the meshed namespaces and the canaries (their
 * `istio.io/rev` value), the tags and where they point, the revisions Helm installs, and the selection the
 * Formance namespaces are to carry. Pure. The update-time guard judges a removal against it
 * (components/live/removal.ts), and MeshEnvironment exports it (`namespaceSelections`) for
 * `nativemesh status --desired`.
 */
import type { EnvironmentSpec } from "../config/config";
import { canaryTargets, DEFAULT_TAG, selectionOf } from "../config/revisions";

export interface NamespaceSelections {
    /** Revisions the configuration installs as Helm releases (`istiod-<revision>`); none for other methods. */
    revisions: string[];
    /** Tag → revision, `default` included when a default revision is set. */
    tags: Record<string, string>;
    /** Namespace → its `istio.io/rev` value (meshed namespaces and canaries). */
    namespaces: Record<string, string>;
    /** The canary namespace's base name (`<base>-<revision>` for every revision after the first). */
    canaryNamespace: string;
    /** The Formance stacks' namespaces: which stacks, the value they are to select, and the key that sets it. */
    formance?: { stacks: string[]; wanted: string; key: string };
}

export function namespaceSelections(spec: EnvironmentSpec): NamespaceSelections {
    const plan = spec.revisionPlan;
    const tags: Record<string, string> = Object.fromEntries(plan.tags.map((t) => [t.name, t.revision]));
    if (plan.defaultRevision !== undefined) tags[DEFAULT_TAG] = plan.defaultRevision;
    const namespaces: Record<string, string> = {};
    // Without revisions (Alibaba ASM) namespaces select by istio-injection=enabled: no revision to name.
    if (plan.revisions.length > 0) {
        for (const ns of spec.namespaces) {
            const value = selectionOf(plan, ns);
            if (value !== undefined) namespaces[ns.name] = value;
        }
        if (spec.canary.enabled)
            for (const target of canaryTargets(plan, spec.canary.namespace))
                namespaces[target.namespace] = target.label;
    }
    const selections: NamespaceSelections = {
        revisions: spec.mesh.method === "helm" ? plan.revisions.map((r) => r.revision) : [],
        tags,
        namespaces,
        canaryNamespace: spec.canary.namespace,
    };
    const formance = spec.formance;
    if (formance !== undefined && formance.namespaceLabel && plan.revisions.length > 0) {
        const wanted = selectionOf(plan, {
            revision: formance.namespaceRevision,
            revisionTag: formance.namespaceRevisionTag,
        });
        const key =
            formance.namespaceRevisionTag !== undefined
                ? "formance.namespaceRevisionTag"
                : formance.namespaceRevision !== undefined
                  ? "formance.namespaceRevision"
                  : "formance.namespaceLabel";
        if (wanted !== undefined) selections.formance = { stacks: [...formance.stacks], wanted, key };
    }
    return selections;
}
