/**
 * `nativemesh status --desired FILE`: the stack's desired selections (the `namespaceSelections` output of
 * `pulumi stack output --json`) against the live namespace labels. `status` alone judges pods by the labels the
 * namespaces carry; this says where those labels are not what the stack asks for: a namespace the Formance
 * operator made keeps the label it was created with (formancehq/operator internal/resources/stacks/init.go), and
 * a label changed by hand is not the stack's.
 */
import { z } from "zod";
import { INJECTION_LABEL, REV_LABEL } from "../../components/live/classify";
import type { NamespaceInfo } from "../../components/live/cluster";
import { isFormanceNamespace } from "../../components/live/formanceNamespaces";
import { readJsonFile, UsageError } from "../inputFiles";

/** The part of MeshEnvironment's `namespaceSelections` output (components/render/namespaceSelections.ts) read here. */
const selectionsSchema = z.object({
    namespaces: z.record(z.string(), z.string()),
    formance: z.object({ stacks: z.array(z.string()), wanted: z.string(), key: z.string() }).optional(),
});

export type DesiredSelections = z.output<typeof selectionsSchema>;

/** The selections in `pulumi stack output --json` (or the `namespaceSelections` object alone). */
export function readDesired(file: string): DesiredSelections {
    const value = readJsonFile(file, "stack outputs");
    const candidate =
        value !== null && typeof value === "object" && "namespaceSelections" in value
            ? (value as { namespaceSelections: unknown }).namespaceSelections
            : value;
    const parsed = selectionsSchema.safeParse(candidate);
    if (!parsed.success)
        throw new UsageError(
            `${file}: no namespaceSelections output (write it with \`pulumi stack output --json > ${file}\` from a stack deployed by this nativemesh)`,
        );
    return parsed.data;
}

/** A namespace whose live label is not the stack's. */
export interface Disagreement {
    namespace: string;
    /** The live selection: `istio.io/rev=<value>`, `istio-injection=<value>`, or none. */
    live: string;
    /** What the stack asks for (`istio.io/rev=<value>`). */
    wanted: string;
    /** Why the stack asks for it: `namespaces` (meshed namespace or canary) or the Formance key. */
    from: string;
    /** The namespace does not exist. */
    missing?: boolean;
}

function liveSelection(labels: Record<string, string>): string {
    if (labels[INJECTION_LABEL] !== undefined) return `${INJECTION_LABEL}=${labels[INJECTION_LABEL]}`;
    if (labels[REV_LABEL] !== undefined) return `${REV_LABEL}=${labels[REV_LABEL]}`;
    return "none";
}

/** Every declared or Formance namespace whose live label disagrees with the stack, sorted by name. */
export function disagreements(desired: DesiredSelections, live: NamespaceInfo[]): Disagreement[] {
    const byName = new Map(live.map((ns) => [ns.name, ns]));
    const found: Disagreement[] = [];
    for (const [name, value] of Object.entries(desired.namespaces)) {
        const wanted = `${REV_LABEL}=${value}`;
        const ns = byName.get(name);
        if (ns === undefined) found.push({ namespace: name, live: "none", wanted, from: "namespaces", missing: true });
        else if (liveSelection(ns.labels) !== wanted)
            found.push({ namespace: name, live: liveSelection(ns.labels), wanted, from: "namespaces" });
    }
    const formance = desired.formance;
    if (formance !== undefined) {
        const wanted = `${REV_LABEL}=${formance.wanted}`;
        for (const ns of live) {
            if (desired.namespaces[ns.name] !== undefined || !isFormanceNamespace(ns, formance.stacks)) continue;
            if (liveSelection(ns.labels) !== wanted)
                found.push({ namespace: ns.name, live: liveSelection(ns.labels), wanted, from: formance.key });
        }
    }
    return found.sort((a, b) => a.namespace.localeCompare(b.namespace));
}

/** One line per disagreement, as `status` prints it. */
export function disagreementLines(found: Disagreement[]): string[] {
    if (found.length === 0) return ["every namespace carries the selection the stack asks for (--desired)"];
    return [
        `namespaces whose label is not the stack's (${found.length}):`,
        ...found.map((d) =>
            d.missing
                ? `  ${d.namespace}: does not exist; the stack selects ${d.wanted} (${d.from})`
                : `  ${d.namespace}: carries ${d.live}; the stack selects ${d.wanted} (${d.from})`,
        ),
    ];
}
