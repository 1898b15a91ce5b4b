/**
 * `nativemesh status --kubeconfig FILE [--context NAME] [--namespace NS] [--desired FILE] [--json]`: every meshed
 * namespace, what it selects (a revision, or a tag and its revision), and every pod there: proxy mode, injecting
 * revision, owning workload, and whether it is stale; with --desired, also every namespace whose label is not
 * what the stack selects (cli/live/desired.ts). Exit codes: 0 every pod that should have the native sidecar of
 * its namespace's current revision has one, 1 otherwise (stale workloads listed with why, a namespace whose
 * label no control plane serves, or one whose label is not the stack's), 2 bad input (one line on stderr). */
import { parseLiveArgs, STATUS_USAGE } from "./args";
import { connect, namespaces } from "../../components/live/cluster";
import { jsonText, printable, printableDeep } from "../../components/live/printable";
import { disagreementLines, disagreements, readDesired } from "./desired";
import { survey, surveyJson, surveyText } from "./survey";

export interface LiveIo {
    stdout: { write(chunk: string): unknown };
    stderr: { write(chunk: string): unknown };
}

export const STATUS_HELP = [
    STATUS_USAGE,
    "",
    "  Lists every meshed namespace (labelled istio.io/rev=<revision or tag>, or istio-injection=enabled) with the",
    "  revision it selects, and every pod there: proxy mode (native, regular, none), the revision that injected it,",
    "  its owner (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod) and its state (ok, opt-out, stale,",
    "  finished, terminating, unjudged). Pods of the sidecar template need the native sidecar; gateway-template",
    "  pods (a regular istio-proxy by design), waypoints and Gateway API gateways are judged by their revision only.",
    "  Lists are read in pages of 500.",
    "",
    "  --kubeconfig FILE   the cluster's kubeconfig (required)",
    "  --context NAME      a context of it (default: its current-context)",
    "  --namespace NS      only this namespace",
    "  --desired FILE      `pulumi stack output --json` of the stack: also list every namespace (declared, canary,",
    "                      Formance) whose live istio.io/rev is not what the stack selects (exit 1 when one is not)",
    "  --json              one JSON object on stdout",
    "",
    "Exit codes: 0 nothing stale, 1 stale workloads (listed with why; with --desired also a label not the stack's), 2 bad input.",
].join("\n");

export async function runStatus(argv: string[], io: LiveIo): Promise<number> {
    const args = parseLiveArgs(argv, "status");
    if (args.help) {
        io.stdout.write(`${STATUS_HELP}\n`);
        return 0;
    }
    // Read before the cluster is asked anything: a bad file is bad input (exit 2).
    const desired = args.desired !== undefined ? readDesired(args.desired) : undefined;
    const conn = await connect(args);
    for (const warning of conn.warnings) io.stderr.write(`warning: ${warning}\n`);
    const result = await survey(conn, args.namespace);
    const disagree =
        desired !== undefined
            ? disagreements(desired, await namespaces(conn)).filter(
                  (d) => args.namespace === undefined || d.namespace === args.namespace,
              )
            : [];
    if (args.json) {
        const json = desired !== undefined ? { ...surveyJson(result), desired: disagree } : surveyJson(result);
        io.stdout.write(`${jsonText(json)}\n`);
    } else {
        // Text shows what the cluster holds with its control characters escaped; JSON escapes them itself.
        io.stdout.write(surveyText(printableDeep(result)));
        if (desired !== undefined)
            io.stdout.write(
                `${disagreementLines(disagree)
                    .map((line) => printable(line))
                    .join("\n")}\n`,
            );
    }
    return result.stale.length > 0 || result.problems.length > 0 || disagree.length > 0 ? 1 : 0;
}
