// Managed Cloud Service Mesh switched on from a shell: `gcloud container fleet mesh update --management
// automatic` (and the older `--control-plane automatic`; `hub` is the fleet's former name; `alpha`/`beta`
// tracks), or a fleet default member config given as a file (`gcloud container fleet mesh enable|update
// --fleet-default-member-config FILE`, whose `management: automatic` turns it on for every member)
// (cloud.google.com/sdk/gcloud/reference/container/fleet/mesh/update; .../mesh/enable). gcloud's argparse takes
// `--flag value` and `--flag=value`.

import { parseYaml } from "./helm-values";
import { at } from "./read";
import { hasUnknown, shown, type Invocation } from "./shell";

export interface GcloudMeshFinding {
    /** What the command does, for messages. */
    what: string;
    /** true: a managed control plane; "cannot tell": a value the pack cannot read decides. */
    managed: true | "cannot tell";
    why?: string;
}

function flagValue(args: string[], name: string): string | undefined {
    let found: string | undefined;
    for (let i = 0; i < args.length; i++) {
        if (args[i] === name) found = args[i + 1];
        else if (args[i].startsWith(`${name}=`)) found = args[i].slice(name.length + 1);
    }
    return found;
}

function meshVerb(args: string[]): string | undefined {
    // gcloud [alpha|beta] container (fleet|hub) mesh <verb> ...
    const words = args.filter((arg) => !arg.startsWith("-"));
    const start = words[0] === "alpha" || words[0] === "beta" ? 1 : 0;
    if (words[start] !== "container" || !["fleet", "hub"].includes(words[start + 1]) || words[start + 2] !== "mesh") {
        return undefined;
    }
    return words[start + 3] ?? "";
}

/** What a gcloud invocation does to the fleet's mesh. */
export function gcloudMeshFindings(invocation: Invocation): GcloudMeshFinding[] {
    if (invocation.name !== "gcloud") return [];
    const args = invocation.args.map((arg) => arg.text);
    const verb = meshVerb(args);
    if (verb === undefined) return [];
    const findings: GcloudMeshFinding[] = [];
    for (const name of ["--management", "--control-plane"]) {
        const value = flagValue(args, name);
        if (value === undefined) continue;
        if (hasUnknown(value)) {
            findings.push({
                what: `runs \`gcloud container fleet mesh ${verb} ${name} ${shown(value)}\``,
                managed: "cannot tell",
                why: `${name} is not known before it runs`,
            });
        } else if (value.toLowerCase() === "automatic") {
            findings.push({ what: `runs \`gcloud container fleet mesh ${verb} ${name} ${value}\``, managed: true });
        }
    }
    const file = flagValue(args, "--fleet-default-member-config");
    if (file !== undefined) {
        const what = `runs \`gcloud container fleet mesh ${verb} --fleet-default-member-config ${shown(file)}\``;
        const state = invocation.readFile(file);
        let management: unknown;
        if (state?.kind === "text") {
            try {
                management = at(parseYaml(state.text), "management");
            } catch {
                management = undefined;
            }
        }
        if (state?.kind !== "text") {
            findings.push({
                what,
                managed: "cannot tell",
                why: state?.kind === "unknown" ? state.why : `${shown(file)} is not written by the script`,
            });
        } else if (typeof management === "string" && management.toLowerCase() === "automatic") {
            findings.push({ what: `${what} (management: automatic)`, managed: true });
        }
    }
    return findings;
}
