// Managed Cloud Service Mesh switched on from a shell: `gcloud container fleet mesh update --management
// automatic` (and the older `--control-plane automatic`; `hub` is the fleet's former name), or a fleet default
// member config given as a file (`gcloud container fleet mesh enable --fleet-default-member-config FILE`)
// (cloud.google.com/sdk/gcloud/reference/container/fleet/mesh/update; .../mesh/enable).

import { findInvocations, type Invocation } from "./asmcli";

export interface GcloudMeshFinding {
    /** What the command does, for messages. */
    what: string;
    /** true: a managed control plane; "cannot tell": a file the pack cannot read decides. */
    managed: true | "cannot tell";
}

function flag(args: string[], name: string): string | undefined {
    for (let i = 0; i < args.length; i++) {
        if (args[i] === name) return args[i + 1];
        if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
    }
    return undefined;
}

function meshCommand(invocation: Invocation): string[] | undefined {
    // gcloud [alpha|beta] container (fleet|hub) mesh <verb> ...
    const words = invocation.args.filter((arg) => !arg.startsWith("-"));
    const start = words[0] === "alpha" || words[0] === "beta" ? 1 : 0;
    if (words[start] !== "container" || !["fleet", "hub"].includes(words[start + 1]) || words[start + 2] !== "mesh") {
        return undefined;
    }
    return [words[start + 3] ?? "", ...invocation.args];
}

/** What the gcloud invocations of a shell text do to the fleet's mesh. */
export function gcloudMeshFindings(text: string): GcloudMeshFinding[] {
    const findings: GcloudMeshFinding[] = [];
    for (const invocation of findInvocations(text, (name) => name === "gcloud")) {
        const command = meshCommand(invocation);
        if (!command) continue;
        const [verb, ...args] = command;
        for (const name of ["--management", "--control-plane"]) {
            const value = flag(args, name);
            if (value !== undefined && value.toLowerCase() === "automatic") {
                findings.push({ what: `runs \`gcloud container fleet mesh ${verb} ${name} ${value}\``, managed: true });
            }
        }
        if (flag(args, "--fleet-default-member-config") !== undefined) {
            findings.push({
                what: `runs \`gcloud container fleet mesh ${verb} --fleet-default-member-config\` with a file`,
                managed: "cannot tell",
            });
        }
    }
    return findings;
}
