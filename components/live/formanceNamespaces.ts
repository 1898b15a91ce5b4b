/**
 * The namespaces the Formance operator made for its stacks, and whether their revision label agrees with the
 * selection the configuration gives them. Pure.
 *
 * The operator names a stack's namespace after the Stack and owns it (controller reference to the
 * `formance.com` Stack); it writes the `namespace.labels` Setting only when it creates the namespace: for one
 * that exists its create-or-update callback returns "namespace already exists" and the update is skipped
 * (formancehq/operator v3.9.2 internal/resources/stacks/init.go, Reconcile). So moving the Setting moves no
 * namespace that is already there.
 */
import { REV_LABEL } from "./classify";
import type { NamespaceInfo } from "./cluster";

/** The operator's API group (formancehq/operator api/formance.com/v1beta1). */
export const FORMANCE_GROUP = "formance.com";

/** Whether a namespace is the one the operator made for a stack the Settings reach (`*`: every stack). */
export function isFormanceNamespace(ns: NamespaceInfo, stacks: string[]): boolean {
    const owned = (ns.ownerReferences ?? []).some(
        (o) => o.kind === "Stack" && (o.apiVersion ?? "").startsWith(`${FORMANCE_GROUP}/`),
    );
    if (stacks.includes("*")) return owned;
    return stacks.includes(ns.name);
}

/** A Formance namespace whose label selects something else than the configuration. */
export interface FormanceDrift {
    name: string;
    /** Its live `istio.io/rev`. */
    live: string;
}

/** Formance namespaces labelled `istio.io/rev` with another value than `wanted` (unlabelled ones are not). */
export function formanceDrift(namespaces: NamespaceInfo[], stacks: string[], wanted: string): FormanceDrift[] {
    return namespaces
        .filter((ns) => ns.terminating !== true && isFormanceNamespace(ns, stacks))
        .flatMap((ns) => {
            const live = ns.labels[REV_LABEL];
            return live !== undefined && live !== "" && live !== wanted ? [{ name: ns.name, live }] : [];
        })
        .sort((a, b) => a.name.localeCompare(b.name));
}

/** The refusal: the key that moves the selection, the namespaces left behind, and how to move them. */
export function formanceRefusal(key: string, wanted: string, drift: FormanceDrift[]): string {
    const shown = drift.slice(0, 3).map((d) => `${d.name} (${REV_LABEL}=${d.live})`);
    const more = drift.length > 3 ? `, and ${drift.length - 3} more` : "";
    const names = drift.map((d) => d.name).join(" ");
    return (
        `nativemesh:${key}: the Formance namespaces are to select ${REV_LABEL}=${wanted}, but the operator labels a ` +
        `namespace only when it creates it (formancehq/operator internal/resources/stacks/init.go), so ` +
        `${drift.length === 1 ? "this one keeps" : "these keep"} another: ${shown.join(", ")}${more}. Relabel ` +
        `${drift.length === 1 ? "it" : "them"} first (kubectl label namespace ${names} ${REV_LABEL}=${wanted} ` +
        "--overwrite), run `nativemesh restart`, then update"
    );
}
